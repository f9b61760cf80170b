/**
 * `ascl workers [--json] [--db FILE]`: the `ascl worker` processes that reported to the coordinator
 * of this store (distributed mode), as the app's Workers page shows them, read through the service's
 * `workers:list` channel. Host names and messages come from other machines: printed terminal-safe.
 */
import fs from 'node:fs';
import { Command } from 'commander';
import { ApiRequests, type ApiHandlers } from '../shared/channels.js';
import { WORKER_COLUMNS, workerRows } from '../shared/workers-view.js';
import { createAppService } from '../service/app-service.js';
import { dbPathOf, jsonLine, printable } from './common.js';
import { table } from './runs.js';

/** What the command needs of a service: the channel, and closing it. */
export type WorkersSource = Pick<ApiHandlers, 'workers:list'> & { close(): unknown };

/** The store named by --db, read-only; a store that does not exist yet has heard from no worker (and is not created). */
async function openStore(dbPath: string): Promise<WorkersSource> {
  if (!fs.existsSync(dbPath)) return { 'workers:list': async () => [], close: () => undefined };
  return createAppService({ dbPath, workers: 1, readonly: true });
}

/** `open` and `now` are parameters so a test can list a fixed set of workers at a fixed time. */
export function workersCommand(open: (dbPath: string) => Promise<WorkersSource> = openStore, now: () => number = Date.now): Command {
  return new Command('workers')
    .description('list the workers (ascl worker on other hosts) that reported to this store\'s coordinator')
    .option('--db <file>', 'the store database')
    .option('--json', 'print a JSON array of the workers (WorkerInfo)')
    .action(async (opts: { db?: string; json?: boolean }) => {
      const file = dbPathOf(opts);
      const source = await open(file);
      try {
        const list = await source['workers:list'](ApiRequests['workers:list'].parse({}));
        if (opts.json) { jsonLine(list); return; }
        if (list.length === 0) { process.stdout.write(`no workers have reported to this store's coordinator (${file})\n`); return; }
        process.stdout.write(table([[...WORKER_COLUMNS], ...workerRows(list, now()).map((r) => r.map((c) => printable(c).replace(/\n/g, ' ')))]));
      } finally {
        await source.close();
      }
    });
}
