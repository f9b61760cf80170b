/**
 * `ascl worker`: takes runs and evaluations from the broker's queue and trains them on this host,
 * reporting to the coordinator (`ascl serve --broker`, the desktop app) over its HTTP API (issue 10).
 * Exit codes: 0 stopped on SIGTERM/SIGINT; 1 --max-failures jobs failed in a row; 2 a bad broker URL,
 * a Redis refusing the password, nothing listening, or a coordinator refusing the token.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { Command } from 'commander';
import { BACKENDS, type BackendChoice } from '../shared/options.js';
import { DEFAULT_QUEUE, queueName } from '../shared/workers.js';
import { brokerUrlFrom, checkBroker, parseBrokerUrl } from '../queue/broker-url.js';
import { CoordinatorClient, CoordinatorError } from '../queue/coordinator-client.js';
import { WorkerProcess } from '../queue/worker.js';
import { RetryAborted } from '../queue/retry.js';
import { defaultHome } from '../store/paths.js';
import { EXIT, UsageError, intFlag } from './common.js';

const VERSION = (JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** NVIDIA GPUs on this host (nvidia-smi -L), [] without the tool; read once at start-up. */
function nvidiaGpus(): string[] {
  try {
    const out = execFileSync('nvidia-smi', ['-L'], { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] });
    return out.split('\n').filter((l) => l.startsWith('GPU '));
  } catch {
    return []; // no driver or no tool: no GPU to count (the backend still says what it uses)
  }
}

export interface WorkerFlags {
  broker?: string; coordinator: string; token?: string; queue: string; concurrency?: number; backend: string;
  maxFailures: number; dataDir?: string; cache?: string;
}

export function workerCommand(): Command {
  return new Command('worker')
    .description('take runs and evaluations from the broker and train them on this host (distributed mode; see README "Many machines")')
    .option('--broker <url>', 'redis://[:password@]host:port[/db] or rediss:// (default: $ASCL_BROKER)')
    .requiredOption('--coordinator <url>', 'the coordinator\'s address, e.g. http://10.0.0.5:5317 (`ascl serve --broker ... --token ...`)')
    .option('--token <token>', 'the coordinator\'s access token (default: $ASCL_TOKEN)')
    .option('--queue <name>', 'the queue (class of workers) to take jobs from, e.g. gpu-a100', DEFAULT_QUEUE)
    .option('--concurrency <n>', 'jobs at once (default: one per NVIDIA GPU where nvidia-smi lists any, else one per CPU core)', intFlag('--concurrency', 1))
    .option('--backend <name>', `engine backend of the runs that ask for auto (${BACKENDS.join(', ')})`, 'auto')
    .option('--max-failures <n>', 'stop taking jobs after this many fail in a row', intFlag('--max-failures', 1), 3)
    .option('--data-dir <dir>', 'this host\'s dataset folder (default: each run\'s own dataDir)')
    .option('--cache <dir>', 'where downloaded checkpoints are kept while a job runs (default: <ASCL home>/worker-cache)')
    .action(async (opts: WorkerFlags) => {
      const brokerText = brokerUrlFrom(opts.broker);
      if (brokerText === null) throw new UsageError('ascl worker: no broker; give --broker redis://host:port or set ASCL_BROKER');
      const broker = parseBrokerUrl(brokerText);
      const queue = queueName.safeParse(opts.queue);
      if (!queue.success) throw new UsageError(`ascl worker: --queue ${JSON.stringify(opts.queue)}: ${queue.error.issues[0]?.message ?? 'invalid'}`);
      if (!(BACKENDS as readonly string[]).includes(opts.backend)) throw new UsageError(`ascl worker: --backend must be one of ${BACKENDS.join(', ')} (got ${JSON.stringify(opts.backend)})`);
      const token = opts.token ?? process.env.ASCL_TOKEN;
      if (token === undefined || token === '') throw new UsageError('ascl worker: no token; give --token (the coordinator\'s `ascl serve --token`) or set ASCL_TOKEN');
      let client: CoordinatorClient;
      try { client = new CoordinatorClient(opts.coordinator, token); } catch (err) { throw new UsageError(`ascl worker: --coordinator: ${(err as Error).message}`); }
      // A typo must not leave a worker retrying for ever: the broker is checked once, now (BrokerError: exit 2).
      await checkBroker(broker);
      const gpus = nvidiaGpus();
      const concurrency = opts.concurrency ?? (gpus.length > 0 ? gpus.length : os.availableParallelism());
      const cacheDir = path.resolve(opts.cache ?? path.join(defaultHome(), 'worker-cache'));
      fs.mkdirSync(cacheDir, { recursive: true });
      const log = (line: string): void => { process.stderr.write(`${line}\n`); };
      const w = new WorkerProcess({
        broker, client, queue: queue.data, concurrency, backend: opts.backend as BackendChoice, gpu: gpus.length > 0 ? gpus.join('; ').slice(0, 300) : null,
        maxFailures: opts.maxFailures, dataDir: opts.dataDir !== undefined ? path.resolve(opts.dataDir) : null, cacheDir, version: VERSION, log,
      });
      const onSignal = (sig: string): void => {
        log(`ascl worker: ${sig}: stopping; running jobs go back to the queue and resume elsewhere from their last checkpoint`);
        void w.stop(`stopped by ${sig}`, EXIT.ok, true);
      };
      process.on('SIGTERM', onSignal);
      process.on('SIGINT', onSignal);
      try {
        try {
          await w.start();
        } catch (err) {
          // SIGTERM while the coordinator was still unreachable: a stop as asked, not a failure.
          if (err instanceof RetryAborted) { process.exitCode = await w.finished; return; }
          if (err instanceof CoordinatorError && err.unauthorized) throw new UsageError(`ascl worker: ${err.message}`);
          if (err instanceof CoordinatorError && !err.retryable) throw new UsageError(`ascl worker: the coordinator refused this worker: ${err.message}`);
          throw err;
        }
        const code = await w.finished;
        process.exitCode = code;
        // Every connection is closed by now; should a library still hold a handle, the exit must not wait on it.
        setTimeout(() => process.exit(code), 3000).unref();
      } finally {
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
      }
    });
}
