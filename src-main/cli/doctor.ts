/**
 * `ascl doctor`: checks the store read-only and names every problem; exits 1 when there is any.
 * `--json` always prints the report, also when the store cannot be opened at all.
 * It also reports GPU readiness per path (tfjs-node-gpu, webgpu): what is there, what is missing and
 * how to get it; a missing GPU is no problem of the store and does not change the exit status.
 */
import { Command } from 'commander';
import { gpuReadiness } from '../engine/backend/gpu-readiness.js';
import type { GpuPathReport } from '../shared/gpu-readiness.js';
import { doctorFile } from '../store/doctor.js';
import { EXIT, UsageError, dbPathOf, existingDbPath, jsonLine } from './common.js';

export function doctorCommand(): Command {
  return new Command('doctor')
    .description('check the store (read-only): SQLite integrity, every stored JSON value, every checkpoint verified, every metric series without gaps or duplicates')
    .option('--db <file>', 'the store database')
    .option('--json', 'print the report as JSON')
    .option('--no-gpu', 'skip the GPU readiness checks')
    .action(async (opts: { db?: string; json?: boolean; gpu: boolean }) => {
      const gpus = opts.gpu ? await gpuReadiness() : [];
      if (!opts.json) for (const g of gpus) printGpuPath(g);
      let file: string;
      try {
        file = existingDbPath(opts);
      } catch (err) {
        // No store there: still a report on stdout for --json, and exit 2 (a wrong path is bad input).
        if (opts.json && err instanceof UsageError) {
          jsonLine({ ok: false, dbPath: dbPathOf(opts), runs: 0, checkpointsVerified: 0, epochsChecked: 0, problems: [err.message], warnings: [], gpus });
        }
        throw err;
      }
      const r = doctorFile(file);
      if (opts.json) jsonLine({ ...r, gpus });
      else {
        process.stdout.write(`store ${r.dbPath}: ${r.runs} runs, ${r.epochsChecked} epochs, ${r.checkpointsVerified} checkpoints verified\n`);
        for (const w of r.warnings) process.stdout.write(`warning: ${w}\n`);
        for (const p of r.problems) process.stdout.write(`problem: ${p}\n`);
        process.stdout.write(r.ok ? 'ok\n' : `${r.problems.length} problem(s) found\n`);
      }
      process.exitCode = r.ok ? EXIT.ok : EXIT.failed;
    });
}

function printGpuPath(g: GpuPathReport): void {
  process.stdout.write(`gpu ${g.path}: ${g.ready ? 'ready' : 'not ready'}\n`);
  for (const a of g.adapters) process.stdout.write(`  adapter ${a}\n`);
  for (const c of g.checks) {
    process.stdout.write(`  ${c.ok ? 'ok     ' : 'missing'} ${c.what}: ${c.detail}\n`);
    if (c.fix) process.stdout.write(`          fix: ${c.fix}\n`);
  }
}
