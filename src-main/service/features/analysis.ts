/**
 * Latent-space analyses: stored R-DIV and t-SNE of a run, `analysis:start` (a task on the run
 * queue, answered with its stored task id) and `analyze` (R-DIV over checkpoints and eps, t-SNE,
 * on a worker thread; the results are stored for the UI).
 */
import type { ApiHandlers } from '../../shared/channels.js';
import { ApiError } from '../../api/dispatch.js';
import { attackBudget, fractionNumber, type RunConfig } from '../../shared/run-config.js';
import { EVALUATION_DEFAULTS } from '../../shared/evaluation.js';
import { jobRunner, requireConfig, requireRun, type ServiceContext } from '../context.js';
import type { EvalProgress } from '../eval-job.js';
import type { TaskPlacement } from '../job-runner.js';
import type { AnalysisOutcome } from '../../shared/rows.js';
import { startTask } from '../tasks.js';
import { deletedRun } from './evaluations.js';

type AnalysisHandlers = Pick<ApiHandlers, 'analysis:rdiv' | 'analysis:tsne' | 'analysis:start'>;

export interface AnalyzeRequest {
  overEpochs: boolean; epsSweep: number[]; tsne: boolean; n: number; seed: number;
  /** The analysis PGD; null: the dataset's evaluation PGD (k = 250, step 2/255 on CIFAR-10; Figures 2, 4-6), not the run's training PGD. */
  steps: number | null; stepSize?: number | null;
  /** t-SNE points (default 1000 benign + 100 adversarial, as Figure 6). */
  tsneBenign?: number; tsneAdversarial?: number;
}
export type Analyze = (runId: string, o: AnalyzeRequest, onProgress?: (p: EvalProgress) => void, at?: TaskPlacement) => Promise<AnalysisOutcome>;

export function analyzer(ctx: ServiceContext): Analyze {
  const { store, backend } = ctx;
  return async (runId, o, onProgress, at) => {
    const r = requireRun(ctx, runId);
    const config = requireConfig(r, 'analyze');
    const checkpoints = store.checkpoints(runId).reverse().map((c) => ({ epoch: c.epoch, file: store.resolveFile(c.file), sha256: c.sha256 }));
    if (checkpoints.length === 0) throw new ApiError('conflict', `analyze: run ${runId} has no checkpoint yet; train it for at least one epoch first`);
    const outcome = await jobRunner(ctx).analyze({ kind: 'analyze', config, checkpoints, overEpochs: o.overEpochs, epsSweep: o.epsSweep, tsne: o.tsne,
      tsneBenign: o.tsneBenign ?? 1000, tsneAdversarial: o.tsneAdversarial ?? 100,
      n: o.n, ...analysisAttack(config, o), seed: o.seed, backend }, onProgress, at);
    if (!store.getRun(runId)) throw deletedRun('analyze', runId, null, 'analysis');
    if (outcome.rdivEpochs.length) store.setRdivEpoch(runId, outcome.rdivEpochs);
    if (outcome.rdivEps.length) store.setRdivEps(runId, outcome.rdivEps);
    if (outcome.tsne) store.setTsne(runId, outcome.tsne);
    return outcome;
  };
}

export function analysisHandlers(ctx: ServiceContext, analyze: Analyze): AnalysisHandlers {
  const { store } = ctx;
  return {
    async 'analysis:rdiv'(req) { requireRun(ctx, req.runId); return store.rdiv(req.runId); },
    async 'analysis:tsne'(req) { requireRun(ctx, req.runId); return { points: store.tsne(req.runId) }; },
    async 'analysis:start'(req) {
      const r = requireRun(ctx, req.runId);
      if (!req.epsSweep?.length && req.tsne !== true) throw new ApiError('bad-request', 'analysis:start: choose at least one of epsSweep (a list of eps values) and tsne: true');
      const epsSweep = (req.epsSweep ?? []).map((v) => {
        const e = fractionNumber.safeParse(v);
        if (!e.success || e.data < 0 || e.data > 1) throw new ApiError('bad-request', `analysis:start: each epsSweep value must be a number in [0, 1] or a fraction like 8/255 (got ${JSON.stringify(v)})`);
        return e.data;
      });
      const config = requireConfig(r, 'analysis:start');
      if (!store.checkpoints(r.id)[0]) throw new ApiError('conflict', `analysis:start: run ${r.id} has no checkpoint yet; train it for at least one epoch first`);
      const taskId = startTask(ctx, 'analysis', r.id, req, async (id, threads) => {
        if (!store.getRun(r.id)) throw deletedRun('analysis:start', r.id, id, 'analysis');
        await analyze(r.id, { overEpochs: false, epsSweep, tsne: req.tsne === true, n: req.n ?? 512, steps: req.steps ?? null, seed: config.seed }, undefined, { runId: r.id, taskId: id, threads });
        return null;
      });
      return { taskId };
    },
  };
}

/**
 * The PGD of R-DIV over eps, robust accuracy over eps, R-DIV over epochs and the t-SNE's adversarial
 * points: the dataset's evaluation PGD (Figures 2, 4, 5, 6: k = 250, eta = 2/255 on CIFAR-10) at the
 * run's eps, unless the request overrides steps or step size. The per-epoch monitoring during
 * training stays the run's cheap PGD (engine/train/evaluate-epoch.ts).
 */
export function analysisAttack(config: RunConfig, o: Pick<AnalyzeRequest, 'steps' | 'stepSize'>): { eps: number; stepSize: number; steps: number } {
  const e = EVALUATION_DEFAULTS[config.dataset];
  return { eps: attackBudget(config).eps, stepSize: o.stepSize ?? e.pgdStepSize, steps: o.steps ?? e.pgdSteps };
}
