/**
 * `ascl export RUN... --csv FILE`: metric series, evaluations or the compare table as CSV;
 * `--examples FILE`: one row per (evaluation, image index) with the stored per-example outcomes.
 */
import fs from 'node:fs';
import { Command, Option } from 'commander';
import type { ApiResponses } from '../shared/channels.js';
import { dispatch } from '../api/dispatch.js';
import { createAppService } from '../service/app-service.js';
import { EXIT, UsageError, existingDbPath } from './common.js';
import { examplesCsv } from '../service/examples-export.js';

export function exportCommand(): Command {
  return new Command('export')
    .description('export runs as CSV')
    .argument('<runs...>', 'run ids')
    .option('--csv <file>', 'output file (- for stdout)')
    .option('--examples <file>', 'per-example outcomes of the runs\' evaluations as CSV (- for stdout): label, clean correct, robust, smallest breaking eps of an eps grid')
    .addOption(new Option('--what <what>', 'what to export').choices(['epochs', 'steps', 'evals', 'compare']).default('epochs'))
    .option('--db <file>', 'the store database')
    .action(async (runIds: string[], opts: { csv?: string; examples?: string; what: string; db?: string }) => {
      if ((opts.csv === undefined) === (opts.examples === undefined)) throw new UsageError('ascl export: give exactly one of --csv FILE or --examples FILE');
      const service = await createAppService({ dbPath: existingDbPath(opts), workers: 1, readonly: true });
      try {
        if (opts.examples !== undefined) {
          for (const id of runIds) if (!service.store.getRun(id)) throw new UsageError(`ascl export: no run ${JSON.stringify(id)} in ${service.store.dbPath}`);
          const r = examplesCsv(service.store, runIds);
          write(opts.examples, r.csv, r.rows);
          return;
        }
        const r = (await dispatch(service, 'export:csv', { what: opts.what, runIds })) as ApiResponses['export:csv'];
        // Runs with a damaged stored value are left out, each named; the others are exported (exit 1).
        for (const p of r.problems) process.stderr.write(`ascl export: left out: ${p}\n`);
        if (r.problems.length) process.exitCode = EXIT.failed;
        write(opts.csv!, r.csv, r.csv.split('\n').length - 2);
      } finally {
        await service.close();
      }
    });
}

function write(file: string, csv: string, rows: number): void {
  if (file === '-') { process.stdout.write(csv); return; }
  try {
    fs.writeFileSync(file, csv);
  } catch (err) {
    throw new UsageError(`cannot write ${file}: ${(err as Error).message}`);
  }
  process.stderr.write(`wrote ${rows} rows to ${file}\n`);
}
