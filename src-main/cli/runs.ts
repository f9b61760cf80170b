/** `ascl runs` and `ascl show RUN`: what the store holds. */
import fs from 'node:fs';
import { Command } from 'commander';
import type { ApiResponses, RunSummary } from '../shared/channels.js';
import { dispatch } from '../api/dispatch.js';
import { createAppService } from '../service/app-service.js';
import type { EpochRecord } from '../store/rows.js';
import type { Store } from '../store/store.js';
import { dbPathOf, existingDbPath, jsonLine, printable } from './common.js';
import { monitoringLabel, subsetLabel } from '../shared/evaluation.js';
import { curveAuc, runCurves } from '../shared/robustness-curves.js';
import { flagLines, iterationLine } from './sanity-lines.js';

const pct = (x: number | null | undefined): string => (x === null || x === undefined || !Number.isFinite(x) ? '-' : `${(x * 100).toFixed(2)}%`);

/** A run's epochs, or the error naming its damaged value: one bad run does not stop a listing. */
function epochsOrError(store: Store, id: string): { epochs: EpochRecord[]; error: string | null } {
  try {
    return { epochs: store.epochs(id), error: null };
  } catch (err) {
    return { epochs: [], error: (err as Error).message };
  }
}

/** Columns padded to their widest cell, two spaces apart (also `ascl workers`). */
export function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n') + '\n';
}

export function runsCommand(): Command {
  return new Command('runs')
    .description('list the runs in the store')
    .option('--db <file>', 'the store database')
    .option('--status <status>', 'only runs with this status')
    .option('--json', 'print a JSON array')
    .action(async (opts: { db?: string; status?: string; json?: boolean }) => {
      const file = dbPathOf(opts);
      if (!fs.existsSync(file)) {
        // Listing a store that does not exist yet: nothing to show, and nothing is created.
        if (opts.json) jsonLine([]); else process.stdout.write(`no runs (no store at ${file} yet)\n`);
        return;
      }
      const service = await createAppService({ dbPath: file, workers: 1, readonly: true });
      try {
        const runs = (await dispatch(service, 'runs:list', opts.status ? { status: opts.status } : {})) as RunSummary[];
        const metrics = new Map(runs.map((r) => [r.id, epochsOrError(service.store, r.id)]));
        for (const [id, m] of metrics) if (m.error) process.stderr.write(`ascl runs: run ${id}: ${m.error}\n`);
        if (opts.json) {
          jsonLine(runs.map((r) => ({ ...r, error: r.error ?? metrics.get(r.id)!.error, epochs: metrics.get(r.id)!.epochs })));
          return;
        }
        if (runs.length === 0) { process.stdout.write(`no runs in ${service.store.dbPath}\n`); return; }
        process.stdout.write(table([
          ['ID', 'STATUS', 'EPOCHS', 'DATASET', 'MODEL', 'DEFENSE', 'SELECTION', 'SEED', 'NAT', 'PGD (MONITORING)', 'CREATED', 'HEALTH'],
          ...runs.map((r) => {
            const m = metrics.get(r.id)!;
            const last = m.epochs.at(-1);
            return [r.id, r.status, `${r.epochsDone}/${r.epochsTotal}`, r.dataset, r.model, r.defense, r.selection, String(r.seed),
              pct(last?.natAccuracy), pct(last?.pgdAccuracy), r.createdAt.replace('T', ' ').slice(0, 19),
              r.collapse ? `collapse? (epoch ${r.collapse.epoch})` : 'ok'];
          }),
        ]));
        // Training health: what a marked run's page and `ascl show` explain in full.
        const marked = runs.filter((r) => r.collapse);
        if (marked.length) process.stdout.write(`${marked.length} run(s) may have collapsed (natural accuracy at chance or most latent units dead); see \`ascl show RUN\` for the usual cause and what to try\n`);
      } finally {
        await service.close();
      }
    });
}

export function showCommand(): Command {
  return new Command('show')
    .description('one run: status, configuration, every finished epoch, evaluations')
    .argument('<run>', 'run id')
    .option('--db <file>', 'the store database')
    .option('--json', 'print one JSON object (status, config, epochs[], evaluations[], checkpoints[])')
    .action(async (runId: string, opts: { db?: string; json?: boolean }) => {
      const service = await createAppService({ dbPath: existingDbPath(opts), workers: 1, readonly: true });
      try {
        const run = (await dispatch(service, 'runs:get', { id: runId })) as ApiResponses['runs:get'];
        const { epochs, error: epochError } = epochsOrError(service.store, runId);
        const evaluations = service.store.evaluationsDetailed(runId);
        const checkpoints = service.store.checkpoints(runId).map(({ runId: _r, ...c }) => c);
        if (epochError) process.stderr.write(`ascl show: ${printable(epochError)}\n`);
        // Robustness curves: each (attack, k, n) curve with its normalised trapezoid AUC (null below two eps).
        const curves = runCurves(runId, evaluations).map((c) => ({ ...c, auc: curveAuc(c.points) }));
        if (opts.json) { jsonLine({ ...run, error: run.error ?? epochError, epochs, evaluations, checkpoints, curves }); return; }
        process.stdout.write(`run ${run.id} (${printable(run.name)}) ${run.status}, ${run.epochsDone}/${run.epochsTotal} epochs, backend ${run.backend ?? '-'}\n`);
        if (run.error) process.stdout.write(`error: ${printable(run.error)}\n`);
        process.stdout.write(`config: ${JSON.stringify(run.config)}\n`);
        if (epochs.length) {
          process.stdout.write(`per-epoch NAT and PGD: ${monitoringLabel(run.config)}; the evaluations below are the measured figures\n`);
          process.stdout.write(table([['EPOCH', 'NAT', 'PGD (MONITORING)', 'TRAIN', 'LR', 'SECONDS', 'LOSS', 'DEAD LATENT'],
            ...epochs.map((e) => [String(e.epoch), pct(e.natAccuracy), pct(e.pgdAccuracy), pct(e.trainAccuracy), e.learningRate.toExponential(1),
              e.seconds.toFixed(1), e.terms.loss === undefined ? '-' : e.terms.loss.toFixed(4), pct(e.deadLatentFraction)])]));
          for (const e of epochs) if (e.collapseWarning) process.stdout.write(`warning: epoch ${e.epoch}: ${e.collapseWarning}\n`);
        }
        for (const e of evaluations) {
          const step = e.stepSize === null ? '' : ` step ${e.stepSize.toFixed(5)}`;
          process.stdout.write(`eval ${e.id}: ${e.attack} eps ${e.eps.toFixed(5)}${step} steps ${e.steps ?? '-'} n ${subsetLabel(e.n, e.testSetSize)}: ` +
            `clean ${pct(e.cleanAccuracy)} ± ${(e.cleanStdErr * 100).toFixed(2)} robust ${pct(e.robustAccuracy)} ± ${(e.robustStdErr * 100).toFixed(2)} ` +
            `(± standard error; ${e.seconds.toFixed(1)} s, epoch ${e.checkpointEpoch ?? '-'})\n`);
          if (e.iterations) process.stdout.write(`  ${iterationLine(e.iterations)}\n`);
          for (const line of flagLines(e.flags)) process.stdout.write(`  ${line}\n`);
        }
        for (const c of curves) {
          if (c.auc) process.stdout.write(`curve ${c.attack} k ${c.steps ?? '-'} n ${c.n}: AUC ${pct(c.auc.auc)} over eps ${c.auc.epsMin.toFixed(5)}..${c.auc.epsMax.toFixed(5)} ` +
            `(trapezoid over ${c.points.length} eps, divided by the eps range)\n`);
        }
      } finally {
        await service.close();
      }
    });
}
