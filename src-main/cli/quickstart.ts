/**
 * `ascl quickstart`: the first experiment (shared/quick-start.ts): ADV and ADV-Leaked-ASCL of
 * Table 4 on the MNIST digits that ship with the app, trained side by side where there are two
 * cores (progress as for `ascl train`, one run after the other), then their comparison table
 * (the Compare page's, compare:table).
 */
import os from 'node:os';
import { Command } from 'commander';
import type { ApiResponses } from '../shared/channels.js';
import { quickStartRequests, QUICK_START_CONFIG, QUICK_START_MAX_EPOCHS } from '../shared/quick-start.js';
import { dispatch } from '../api/dispatch.js';
import { createAppService } from '../service/app-service.js';
import { EXIT, intFlag, jsonLine, storeOptionsOf, UsageError } from './common.js';
import { followRun } from './follow.js';

const pct = (m: { mean: number } | null | undefined): string => (m ? `${(m.mean * 100).toFixed(1)}%` : '-');

export function quickstartCommand(): Command {
  return new Command('quickstart')
    .description(`train ADV and Leaked-ASCL on the bundled MNIST digits (small-cnn, ${QUICK_START_CONFIG.limit} digits, ${QUICK_START_CONFIG.epochs} epochs: minutes on a laptop CPU) and compare them`)
    .option('--epochs <n>', `epochs of each run (default ${QUICK_START_CONFIG.epochs})`, intFlag('--epochs'))
    .option('--db <file>', 'the store database (default: $ASCL_HOME/ascl.db or the application data folder)')
    .option('--json', 'JSON lines on stdout even on a terminal; the last line is the comparison')
    .action(async (opts: { epochs?: number; db?: string; json?: boolean }) => {
      if (opts.epochs !== undefined && opts.epochs > QUICK_START_MAX_EPOCHS) {
        throw new UsageError(`ascl quickstart: --epochs ${opts.epochs} is more than ${QUICK_START_MAX_EPOCHS}; a longer run is ascl train --preset table4/adv --dataset mnist ...`);
      }
      const requests = quickStartRequests(opts.epochs ?? QUICK_START_CONFIG.epochs);
      const service = await createAppService({ ...storeOptionsOf(opts), workers: Math.min(requests.length, os.availableParallelism()) });
      try {
        const ids: string[] = [];
        for (const req of requests) ids.push(((await dispatch(service, 'runs:start', req)) as { id: string }).id);
        for (const [i, id] of ids.entries()) {
          const code = await followRun(service, id, { json: opts.json === true, verb: `quick-start ${i + 1}/${ids.length}: training` });
          if (code !== EXIT.ok) { process.exitCode = code; return; }
        }
        const table = (await dispatch(service, 'compare:table', { runIds: ids, summary: { kind: 'last' } })) as ApiResponses['compare:table'];
        if (opts.json) { jsonLine({ event: 'compare', runIds: ids, rows: table.rows }); return; }
        process.stdout.write('quick-start comparison (last epoch; per-epoch monitoring figures):\n');
        for (const r of table.rows) process.stdout.write(`  ${r.group}: natural ${pct(r.metrics.natAccuracy)}, PGD (monitoring) ${pct(r.metrics.pgdAccuracy)}\n`);
        process.stdout.write(`open them side by side: ascl serve, then #/compare?runs=${ids.join(',')}\n`);
      } finally {
        await service.close();
      }
    });
}
