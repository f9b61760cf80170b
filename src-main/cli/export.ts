/** `ascl export RUN... --csv FILE`: metric series, evaluations or the compare table as CSV. */
import fs from 'node:fs';
import { Command, Option } from 'commander';
import type { ApiResponses } from '../shared/channels.js';
import { dispatch } from '../api/dispatch.js';
import { createAppService } from '../service/app-service.js';
import { EXIT, UsageError, existingDbPath } from './common.js';

export function exportCommand(): Command {
  return new Command('export')
    .description('export runs as CSV')
    .argument('<runs...>', 'run ids')
    .requiredOption('--csv <file>', 'output file (- for stdout)')
    .addOption(new Option('--what <what>', 'what to export').choices(['epochs', 'steps', 'evals', 'compare']).default('epochs'))
    .option('--db <file>', 'the store database')
    .action(async (runIds: string[], opts: { csv: string; what: string; db?: string }) => {
      const service = await createAppService({ dbPath: existingDbPath(opts), workers: 1, readonly: true });
      try {
        const r = (await dispatch(service, 'export:csv', { what: opts.what, runIds })) as ApiResponses['export:csv'];
        // Runs with a damaged stored value are left out, each named; the others are exported (exit 1).
        for (const p of r.problems) process.stderr.write(`ascl export: left out: ${p}\n`);
        if (r.problems.length) process.exitCode = EXIT.failed;
        if (opts.csv === '-') { process.stdout.write(r.csv); return; }
        try {
          fs.writeFileSync(opts.csv, r.csv);
        } catch (err) {
          throw new UsageError(`cannot write ${opts.csv}: ${(err as Error).message}`);
        }
        process.stderr.write(`wrote ${r.csv.split('\n').length - 2} rows to ${opts.csv}\n`);
      } finally {
        await service.close();
      }
    });
}
