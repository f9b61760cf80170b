/**
 * Eps-grid evaluations: one worker job evaluates every eps of a grid (engine/evaluate/eps-grid.ts:
 * one clean pass, the cumulative worst-case rule for the attacks it names) and each grid point is
 * stored as its own evaluation row, so every view of evaluations shows it; the points share the
 * grid id in their protocol (`protocol.grid`).
 */
import { randomUUID } from 'node:crypto';
import { jobRunner, type ServiceContext } from '../context.js';
import type { EvalProgress } from '../eval-job.js';
import type { TaskPlacement } from '../job-runner.js';
import type { EvalJob } from '../protocol.js';
import type { EvalOutcome } from '../../shared/rows.js';
import { deletedRun } from './evaluations.js';

export interface GridEvaluation {
  /** The shared grid id (protocol.grid.id). */
  gridId: string;
  /** Stored evaluation ids, one per grid value (null when no run was given). */
  ids: Array<number | null>;
  outcomes: EvalOutcome[];
}

export type EvaluateGrid = (job: EvalJob & { epsGrid: number[] }, runId: string | null, checkpointEpoch: number | null,
  onProgress?: (p: EvalProgress) => void, at?: TaskPlacement) => Promise<GridEvaluation>;

export function gridEvaluator(ctx: ServiceContext): EvaluateGrid {
  const { store, events } = ctx;
  return async (job, runId, checkpointEpoch, onProgress, at) => {
    const gridId = randomUUID();
    const outcomes = (await jobRunner(ctx).evalGrid(job, onProgress, at)).map((o) => ({
      ...o, protocol: { ...o.protocol, grid: o.protocol.grid ? { ...o.protocol.grid, id: gridId } : undefined },
    }));
    if (runId === null) return { gridId, ids: outcomes.map(() => null), outcomes };
    const what = `${job.attack} eps-grid evaluation`;
    if (!store.getRun(runId)) throw deletedRun('evaluateGrid', runId, null, what);
    const ids: number[] = [];
    try {
      for (const o of outcomes) {
        ids.push(store.addEvaluation({ runId, attack: o.attack, eps: o.eps, steps: o.steps, stepSize: o.stepSize, n: o.n, seed: job.seed, checkpointEpoch,
          cleanAccuracy: o.cleanAccuracy, robustAccuracy: o.robustAccuracy, seconds: o.seconds, protocol: o.protocol, outcomes: o.outcomes,
          cleanCorrect: o.cleanCorrect, labels: o.labels, breakingEps: o.breakingEps, iterations: o.iterations, breakingIteration: o.breakingIteration,
          cleanPred: o.cleanPred, advPred: o.advPred, batchSize: job.batchSize }));
      }
    } catch (err) {
      if (!store.getRun(runId)) throw deletedRun('evaluateGrid', runId, null, what);
      throw err;
    }
    const rows = store.evaluations(runId);
    for (const id of ids) {
      const row = rows.find((e) => e.id === id);
      if (row) events.emit('eval:done', { runId, row });
    }
    return { gridId, ids, outcomes };
  };
}
