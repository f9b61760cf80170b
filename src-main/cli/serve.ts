/**
 * `ascl serve`: the application service over HTTP + WebSocket with the browser UI (src-main/transport/http.ts).
 * The UI is built first when it is missing or older than its sources (ui-build.ts).
 */
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { createAppService } from '../service/app-service.js';
import { startServer } from '../transport/http.js';
import { installLastResort } from '../transport/last-resort.js';
import { UsageError, storeOptionsOf, intFlag } from './common.js';
import { DEFAULT_UI_DIR, ensureUi } from './ui-build.js';
import { brokerUrlFrom, parseBrokerUrl, type BrokerUrl } from '../queue/broker-url.js';

export function serveCommand(): Command {
  return new Command('serve')
    .description('serve the UI and the API over HTTP (loopback only unless --token is given)')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--port <n>', 'port (0 picks a free one)', intFlag('--port', 0), 5317)
    .option('--token <token>', 'access token every request must carry (required off loopback; at least 16 characters)')
    .option('--workers <n>', 'runs trained at once', intFlag('--workers', 1), os.availableParallelism())
    .option('--db <file>', 'the store database')
    .option('--ui-dir <dir>', 'the built UI to serve; built there first when missing or older than src-renderer', DEFAULT_UI_DIR)
    .option('--broker <url>', 'distributed mode: dispatch runs to `ascl worker` processes through this Redis (redis://[:password@]host:port[/db]; also ASCL_BROKER); needs --token')
    .option('--no-ui', 'serve the API (and the worker API) only: no UI build (a headless coordinator)')
    .action(async (opts: { host: string; port: number; token?: string; workers: number; db?: string; uiDir: string; broker?: string; ui: boolean }) => {
      if (opts.port > 65535) throw new UsageError(`--port must be at most 65535 (got ${opts.port})`);
      const uiDir = path.resolve(opts.uiDir);
      const brokerText = brokerUrlFrom(opts.broker);
      let broker: { url: BrokerUrl; token: string } | undefined;
      if (brokerText !== null) {
        // The worker API writes the store: never without a token, loopback included.
        if (!opts.token || opts.token.length < 16) {
          throw new UsageError(`ascl serve --broker: the workers' API needs --token of at least 16 characters (got ${opts.token ? `${opts.token.length}` : 'none'}); give the same token to every \`ascl worker --token\``);
        }
        broker = { url: parseBrokerUrl(brokerText), token: opts.token };
      }
      const service = await createAppService({ ...storeOptionsOf(opts), workers: opts.workers, broker });
      let server;
      try {
        const routes = service.workerRoutes ? [{ prefix: '/worker/', handle: service.workerRoutes }] : undefined;
        server = await startServer(service, { host: opts.host, port: opts.port, token: opts.token, staticDir: uiDir, appHomes: [path.dirname(service.store.dbPath)], routes,
          // A worker's checkpoint upload (hundreds of MB over a slow link) must not be cut off after a minute.
          ...(routes ? { requestTimeoutMs: 30 * 60_000 } : {}) });
      } catch (err) {
        await service.close();
        throw new UsageError((err as Error).message);
      }
      // After the address and token checks (a refused bind costs no build), before the URL is printed.
      try {
        if (opts.ui) await ensureUi(uiDir, (line) => process.stderr.write(`${line}\n`));
      } catch (err) {
        await server.close();
        await service.close();
        throw err;
      }
      const running = server;
      const guard = installLastResort({
        name: 'ascl serve', log: (m) => process.stderr.write(`${m}\n`),
        shutdown: async () => { await running.close(); await service.close(); },
      });
      process.stdout.write(`ASCL Studio is served at ${server.url}\nstore ${service.store.dbPath}; ${broker ? `runs dispatched through ${broker.url.redacted} to \`ascl worker\` processes` : `${opts.workers} worker(s)`}; Ctrl-C stops\n`);
      await new Promise<void>((resolve) => {
        const stop = (): void => { process.off('SIGINT', stop); process.off('SIGTERM', stop); resolve(); };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      process.stderr.write('stopping: running runs are left interrupted and resume with `ascl resume RUN`\n');
      await server.close();
      await service.close();
      guard.uninstall();
    });
}
