/**
 * Evaluations: the stored rows of a run, `evals:start` (a task on the run queue, answered with its
 * stored task id), and `evaluate` (one attack on a worker thread, stored with the run). A run
 * deleted while its evaluation is pending ends the task with an error naming the run.
 */
import type { ApiHandlers } from '../../shared/channels.js';
import { ApiError } from '../../api/dispatch.js';
import { ATTACKS, type AttackName } from '../../shared/options.js';
import { attackBudget, fractionNumber } from '../../shared/run-config.js';
import { jobRunner, requireConfig, requireRun, type ServiceContext } from '../context.js';
import type { EvalProgress } from '../eval-job.js';
import type { TaskPlacement } from '../job-runner.js';
import type { EvalJob } from '../protocol.js';
import type { EvalOutcome } from '../../shared/rows.js';
import { startTask } from '../tasks.js';
import type { EvaluateGrid } from './eval-grid.js';

type EvalHandlers = Pick<ApiHandlers, 'evals:list' | 'evals:start'>;
export type Evaluate = (job: EvalJob, runId: string | null, checkpointEpoch: number | null, onProgress?: (p: EvalProgress) => void,
  at?: TaskPlacement) => Promise<{ id: number | null; outcome: EvalOutcome }>;

export function deletedRun(where: string, runId: string, taskId: number | null, what: string): Error {
  return new Error(`${where}: run ${runId} was deleted before its ${what}${taskId !== null ? ` (task ${taskId})` : ''} finished; nothing was stored`);
}

export function evaluator(ctx: ServiceContext): Evaluate {
  const { store, events } = ctx;
  return async (job, runId, checkpointEpoch, onProgress, at) => {
    const outcome = await jobRunner(ctx).eval(job, onProgress, at);
    if (runId === null) return { id: null, outcome };
    if (!store.getRun(runId)) throw deletedRun('evaluate', runId, null, `${outcome.attack} evaluation`);
    let id: number;
    try {
      id = store.addEvaluation({ runId, attack: outcome.attack, eps: outcome.eps, steps: outcome.steps, stepSize: outcome.stepSize, n: outcome.n,
        seed: job.seed, checkpointEpoch, cleanAccuracy: outcome.cleanAccuracy, robustAccuracy: outcome.robustAccuracy, seconds: outcome.seconds,
        protocol: outcome.protocol, outcomes: outcome.outcomes,
        cleanCorrect: outcome.cleanCorrect, labels: outcome.labels, iterations: outcome.iterations, breakingIteration: outcome.breakingIteration,
        cleanPred: outcome.cleanPred, advPred: outcome.advPred, batchSize: job.batchSize });
    } catch (err) {
      // Deleted between the check and the insert: the foreign key refuses the row.
      if (!store.getRun(runId)) throw deletedRun('evaluate', runId, null, `${outcome.attack} evaluation`);
      throw err;
    }
    const row = store.evaluations(runId).find((e) => e.id === id);
    if (row) events.emit('eval:done', { runId, row });
    return { id, outcome };
  };
}

export function evalHandlers(ctx: ServiceContext, evaluate: Evaluate, evaluateGrid?: EvaluateGrid): EvalHandlers {
  const { store, backend } = ctx;
  return {
    async 'evals:list'(req) { requireRun(ctx, req.runId); return store.evaluations(req.runId); },
    async 'evals:start'(req) {
      const r = requireRun(ctx, req.runId);
      if (!(ATTACKS as readonly string[]).includes(req.attack)) {
        throw new ApiError('bad-request', `evals:start: unknown attack ${JSON.stringify(req.attack)}; known: ${ATTACKS.join(', ')}`);
      }
      const eps = req.eps === undefined ? undefined : fractionNumber.safeParse(req.eps);
      if (eps && (!eps.success || eps.data < 0 || eps.data > 1)) throw new ApiError('bad-request', `evals:start: eps must be a number in [0, 1] or a fraction like 8/255 (got ${JSON.stringify(req.eps)})`);
      const config = requireConfig(r, 'evals:start');
      const ckpt = store.checkpoints(r.id)[0];
      if (!ckpt) throw new ApiError('conflict', `evals:start: run ${r.id} has no checkpoint yet; train it for at least one epoch first`);
      const budget = attackBudget(config);
      const grid = req.epsGrid?.map((e) => {
        const v = fractionNumber.safeParse(e);
        if (!v.success || !(v.data >= 0 && v.data <= 1)) throw new ApiError('bad-request', `evals:start: epsGrid value ${JSON.stringify(e)} is not a number in [0, 1] or a fraction like 8/255`);
        return v.data;
      });
      if (grid) {
        for (let i = 1; i < grid.length; i++) {
          if (!(grid[i] > grid[i - 1])) throw new ApiError('bad-request', `evals:start: epsGrid must be strictly increasing (${JSON.stringify(req.epsGrid![i - 1])} then ${JSON.stringify(req.epsGrid![i])})`);
        }
        if (!evaluateGrid) throw new ApiError('bad-request', 'evals:start: this service does not evaluate eps grids');
      }
      const job: EvalJob = {
        kind: 'eval', source: { kind: 'checkpoint', file: store.resolveFile(ckpt.file), sha256: ckpt.sha256, config },
        dataset: config.dataset, dataDir: config.dataDir, attack: req.attack as AttackName, eps: eps?.success ? eps.data : budget.eps,
        steps: req.steps ?? null, stepSize: null, n: req.n ?? null, batchSize: config.batchSize, seed: config.seed, backend,
      };
      const taskId = startTask(ctx, 'eval', r.id, req, async (id, threads) => {
        if (!store.getRun(r.id)) throw deletedRun('evals:start', r.id, id, `${job.attack} evaluation`);
        try {
          const at = { runId: r.id, taskId: id, threads };
          if (grid && evaluateGrid) return (await evaluateGrid({ ...job, epsGrid: grid }, r.id, ckpt.epoch, undefined, at)).ids[0];
          return (await evaluate(job, r.id, ckpt.epoch, undefined, at)).id;
        } catch (err) {
          if (!store.getRun(r.id)) throw deletedRun('evals:start', r.id, id, `${job.attack} evaluation`);
          throw err;
        }
      });
      return { taskId };
    },
  };
}
