/**
 * `ascl eval`: robust accuracy of a stored run (its newest checkpoint; the result is stored with
 * the run) or of an external LayersModel, under one attack, on the dataset's test split, with the
 * standard errors and the resolved protocol. Defaults are the paper's (Section 4.1): PGD and mPGD
 * k = 250 with the dataset's step on the full test set, AutoAttack on the first 1000 images;
 * `--n` chooses a subset (the first n images), reported as "subset of N".
 */
import fs from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import { ATTACKS, BACKENDS, DATASETS, type AttackName, type BackendChoice, type DatasetName } from '../shared/options.js';
import { attackBudget } from '../shared/run-config.js';
import { EVALUATION_DEFAULTS, standardError, subsetLabel } from '../shared/evaluation.js';
import { createAppService } from '../service/app-service.js';
import type { EvalJob } from '../service/protocol.js';
import type { EvalOutcome, SanityFlag } from '../shared/rows.js';
import { sanityFlags } from '../shared/sanity-flags.js';
import { flagLines, iterationLine } from './sanity-lines.js';
import { runEvalJob, type EvalProgress } from '../service/eval-job.js';
import { loneJobThreads } from '../service/core-share.js';
import { UsageError, existingDbPath, fractionFlag, intFlag, jsonLine, parseRequest } from './common.js';
import { taskProgress } from './progress.js';
import { epsGridFlag } from './eps-grid-flag.js';

interface EvalFlags {
  run?: string; model?: string; dataset?: DatasetName; dataDir?: string; attack: AttackName; eps?: number; steps?: number; stepSize?: number;
  epsGrid?: number[]; n?: number; batchSize: number; seed: number; json?: boolean; db?: string; backend: BackendChoice;
}

export function evalCommand(): Command {
  return new Command('eval')
    .description('evaluate a run (--run) or an external TensorFlow.js LayersModel (--model model.json) under an attack')
    .option('--run <run>', 'a stored run: its newest checkpoint is evaluated and the result stored with it')
    .option('--model <model.json>', 'an external LayersModel mapping [0, 1] NHWC images to logits')
    .addOption(new Option('--dataset <name>', 'dataset whose test split is attacked (default: the run\'s)').choices(DATASETS))
    .option('--data-dir <dir>', 'folder with the dataset files')
    .addOption(new Option('--attack <attack>', 'the attack').choices(ATTACKS).makeOptionMandatory())
    .option('--eps <eps>', 'L-infinity budget, e.g. 8/255 (default: the dataset\'s)', fractionFlag('--eps', 0))
    .option('--eps-grid <list>', 'evaluate every eps of a strictly increasing list in one job, e.g. 0,1/255,2/255,4/255,8/255 (with --run); one stored evaluation per value', epsGridFlag)
    .option('--steps <k>', 'attack iterations (default: the attack\'s; PGD and mPGD 250)', intFlag('--steps'))
    .option('--step-size <s>', 'PGD / mPGD step size (default: the dataset\'s, 2/255 CIFAR-10, 0.001 CIFAR-100, 0.01 MNIST)', fractionFlag('--step-size', Number.MIN_VALUE))
    .option('--n <n>', 'evaluate the first n test images only (default: PGD, mPGD, FGSM the full test set; AutoAttack and its parts 1000)', intFlag('--n'))
    .option('--batch-size <b>', 'images per attack batch', intFlag('--batch-size'), 128)
    .option('--seed <s>', 'seed of the attacks\' random starts', intFlag('--seed', 0), 0)
    .addOption(new Option('--backend <backend>', 'compute backend').choices(BACKENDS).default('auto'))
    .option('--db <file>', 'the store database (with --run)')
    .option('--json', 'progress as JSON lines; the last line is the result object')
    .action(async (o: EvalFlags) => {
      if ((o.run === undefined) === (o.model === undefined)) throw new UsageError('ascl eval: give exactly one of --run RUN or --model PATH/model.json');
      if (o.eps !== undefined && o.eps > 1) throw new UsageError(`--eps must be at most 1 for images in [0, 1] (got ${o.eps})`);
      if (o.eps !== undefined && !(o.eps > 0)) throw new UsageError(`--eps must be positive for an attack (got ${o.eps})`);
      if (o.epsGrid !== undefined && o.eps !== undefined) throw new UsageError('ascl eval: give --eps or --eps-grid, not both');
      if (o.epsGrid !== undefined && o.run === undefined) throw new UsageError('ascl eval: --eps-grid needs --run RUN');
      let modelFile: string | null = null;
      if (o.model !== undefined) {
        if (!o.dataset) throw new UsageError('ascl eval: --model needs --dataset');
        modelFile = path.resolve(o.model);
        if (!modelFile.endsWith('.json')) throw new UsageError(`ascl eval: --model must name a model.json file (got ${o.model})`);
        if (!fs.existsSync(modelFile)) throw new UsageError(`ascl eval: ${modelFile} does not exist`);
      }
      let r: { id: number | null; outcome: EvalOutcome };
      let checkpointEpoch: number | null = null;
      let flags: SanityFlag[] = [];
      if (o.run !== undefined) {
        parseRequest('runs:get', { id: o.run }, 'ascl eval --run');
        const service = await createAppService({ dbPath: existingDbPath(o), createFolder: false, workers: 1, backend: o.backend, log: () => {} });
        try {
          const run = service.store.getRun(o.run);
          if (!run) throw new UsageError(`ascl eval: no run ${JSON.stringify(o.run)} in ${service.store.dbPath}`);
          if (run.damage) throw new UsageError(`ascl eval: ${run.damage}`);
          const config = run.config;
          if (o.dataset && o.dataset !== config.dataset) throw new UsageError(`ascl eval: run ${run.id} was trained on ${config.dataset}, not ${o.dataset}`);
          const ckpt = service.store.checkpoints(run.id)[0];
          if (!ckpt) throw new UsageError(`ascl eval: run ${run.id} has no checkpoint yet; train it for at least one epoch first`);
          checkpointEpoch = ckpt.epoch;
          const job: EvalJob = { kind: 'eval', source: { kind: 'checkpoint', file: service.store.resolveFile(ckpt.file), sha256: ckpt.sha256, config },
            dataset: config.dataset, dataDir: o.dataDir ?? config.dataDir, attack: o.attack, eps: o.eps ?? attackBudget(config).eps,
            steps: o.steps ?? null, stepSize: o.stepSize ?? null, n: o.n ?? null, batchSize: o.batchSize, seed: o.seed, backend: o.backend,
            threads: loneJobThreads() };
          const grid = o.epsGrid;
          if (grid !== undefined) {
            const gridJob = { ...job, epsGrid: grid };
            const g = await withProgress(gridJob, o.json === true, (p) => service.evaluateGrid(gridJob, run.id, ckpt.epoch, p));
            const stored = service.store.evaluations(run.id);
            const gridFlags = g.ids.map((id) => stored.find((e) => e.id === id)?.flags ?? []);
            reportGrid(g.outcomes, g.ids, gridFlags, g.gridId, o.run, ckpt.epoch, o.json === true);
            return;
          }
          r = await withProgress(job, o.json === true, (p) => service.evaluate(job, run.id, ckpt.epoch, p));
          // The stored row's flags compare it with every evaluation of the run.
          const id = r.id;
          flags = service.store.evaluations(run.id).find((e) => e.id === id)?.flags ?? [];
        } finally {
          await service.close();
        }
      } else {
        // An external model: nothing is stored, so no store is opened.
        const job: EvalJob = { kind: 'eval', source: { kind: 'layers-model', path: modelFile! }, dataset: o.dataset!, dataDir: o.dataDir ?? null,
          attack: o.attack, eps: o.eps ?? EVALUATION_DEFAULTS[o.dataset!].eps, steps: o.steps ?? null, stepSize: o.stepSize ?? null, n: o.n ?? null,
          batchSize: o.batchSize, seed: o.seed, backend: o.backend, threads: loneJobThreads() };
        r = await withProgress(job, o.json === true, async (p) => ({ id: null, outcome: await runEvalJob(job, p).done }));
        // Nothing to compare with: only the flags of this evaluation alone (its iteration record, its eps).
        const out = r.outcome;
        flags = sanityFlags([{ ...out, id: 0, checkpointEpoch: null, outcomes: out.outcomes, iterations: out.iterations ?? null }]);
      }
      const p = r.outcome.protocol;
      const result = { attack: r.outcome.attack, eps: r.outcome.eps, steps: r.outcome.steps, stepSize: r.outcome.stepSize, restarts: p.restarts,
        n: r.outcome.n, testSetSize: p.testSetSize,
        cleanAccuracy: r.outcome.cleanAccuracy, cleanAccuracyStdErr: standardError(r.outcome.cleanAccuracy, r.outcome.n),
        robustAccuracy: r.outcome.robustAccuracy, robustAccuracyStdErr: standardError(r.outcome.robustAccuracy, r.outcome.n),
        seconds: r.outcome.seconds, protocol: p, runId: o.run ?? null, model: o.model ?? null, evaluationId: r.id, checkpointEpoch,
        iterations: r.outcome.iterations ?? null, flags };
      if (o.json) jsonLine(result);
      else {
        const pm = (v: number, se: number): string => `${(v * 100).toFixed(2)}% ± ${(se * 100).toFixed(2)}`;
        const step = result.stepSize === null ? '' : `, step ${result.stepSize.toFixed(5)}`;
        process.stdout.write(`${result.attack} eps ${result.eps.toFixed(5)} (${result.steps} steps${step}) on ${subsetLabel(result.n, result.testSetSize)} images: ` +
          `clean ${pm(result.cleanAccuracy, result.cleanAccuracyStdErr)}, robust ${pm(result.robustAccuracy, result.robustAccuracyStdErr)} (± standard error) ` +
          `in ${result.seconds.toFixed(1)} s${r.id !== null ? ` (stored as evaluation ${r.id} of run ${o.run})` : ''}\n`);
        if (result.iterations) process.stdout.write(`${iterationLine(result.iterations)}\n`);
        for (const line of flagLines(flags)) process.stdout.write(`${line}\n`);
      }
    });
}

/** The result of an eps grid: the last JSON line carries `grid`, one { eps, robustAccuracy, robustStdErr, evaluationId, flags } per value in order. */
function reportGrid(outcomes: EvalOutcome[], ids: Array<number | null>, flags: SanityFlag[][], gridId: string, runId: string, checkpointEpoch: number, json: boolean): void {
  const first = outcomes[0];
  const p = first.protocol;
  const grid = outcomes.map((o, i) => ({ eps: o.eps, robustAccuracy: o.robustAccuracy, robustStdErr: standardError(o.robustAccuracy, o.n), evaluationId: ids[i],
    flags: flags[i] }));
  const rule = p.grid?.rule ?? 'independent';
  if (json) {
    jsonLine({ attack: first.attack, steps: first.steps, stepSize: first.stepSize, restarts: p.restarts, n: first.n, testSetSize: p.testSetSize,
      cleanAccuracy: first.cleanAccuracy, cleanAccuracyStdErr: standardError(first.cleanAccuracy, first.n), rule, gridId, grid,
      seconds: outcomes.reduce((a, o) => a + o.seconds, 0), runId, checkpointEpoch, evaluationIds: ids });
    return;
  }
  const pc = (v: number): string => `${(v * 100).toFixed(2)}%`;
  process.stdout.write(`${first.attack} (${first.steps} steps) eps grid on ${subsetLabel(first.n, p.testSetSize)} images, clean ${pc(first.cleanAccuracy)}, rule ${rule}:\n`);
  for (const g of grid) {
    process.stdout.write(`  eps ${g.eps.toFixed(5)}: robust ${pc(g.robustAccuracy)} ± ${(g.robustStdErr * 100).toFixed(2)} (evaluation ${g.evaluationId})\n`);
    for (const line of flagLines(g.flags)) process.stdout.write(`    ${line}\n`);
  }
}

async function withProgress<T>(job: EvalJob, json: boolean, f: (p: (x: EvalProgress) => void) => Promise<T>): Promise<T> {
  const label = job.epsGrid ? `${job.attack} eps grid (${job.epsGrid.length} values)` : `${job.attack} eps ${job.eps.toFixed(5)}`;
  const progress = taskProgress(label, json);
  try {
    return await f(progress.update);
  } finally {
    progress.stop();
  }
}
