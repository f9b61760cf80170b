/**
 * What of a study's plan the store already holds: for each planned run the stored run with the
 * same canonical configuration (a completed one first, then the newest), the epoch it is summarised
 * at, and each planned evaluation's stored match at that epoch's checkpoint.
 */
import type { EpochRow, EvalRow } from '../../shared/rows.js';
import type { StudySummary } from '../../shared/study.js';
import type { Store } from '../../store/store.js';
import type { RunRecord } from '../../store/rows.js';
import { configKey, type PlannedEval, type PlannedRun } from './plan.js';

export type StoredEval = EvalRow & { seed: number | null; checkpointEpoch: number | null };

export interface MatchedRun {
  plan: PlannedRun;
  run: RunRecord | null;
  /** The epoch the run is summarised (and evaluated) at; null until it is known (training not finished). */
  epoch: number | null;
  /** Per planned evaluation, the stored one (newest first), or null. */
  evals: Array<StoredEval | null>;
  rdivEpsDone: boolean;
}

const EPS_TOLERANCE = 1e-9;

/** The epoch a finished run is summarised at (shared by the runner and the report). */
export function summaryEpoch(epochs: readonly EpochRow[], summary: StudySummary): number | null {
  if (epochs.length === 0) return null;
  switch (summary.kind) {
    case 'last': return epochs[epochs.length - 1].epoch;
    case 'best': {
      const c = summary.criterion;
      return epochs.reduce((a, b) => (b[c] > a[c] ? b : a)).epoch;
    }
    case 'epoch': return epochs.some((e) => e.epoch === summary.epoch) ? summary.epoch : null;
  }
}

/** Does a stored evaluation answer a planned one at checkpoint `epoch`? steps and n are compared where the study gives them. */
export function evalMatches(e: StoredEval, p: PlannedEval, epoch: number): boolean {
  return e.attack === p.attack && Math.abs(e.eps - p.eps) < EPS_TOLERANCE && e.checkpointEpoch === epoch && e.seed === p.seed
    && e.protocol?.grid === undefined && (p.steps === null || e.steps === p.steps) && (p.n === null || e.n === p.n);
}

export function indexRuns(store: Store): Map<string, RunRecord[]> {
  const byKey = new Map<string, RunRecord[]>();
  for (const r of store.listRuns()) {
    if (r.damage) continue;
    const k = configKey(r.config);
    byKey.set(k, [...(byKey.get(k) ?? []), r]);
  }
  return byKey;
}

/** The stored run standing for a planned one: completed first, then an active one, then the newest (listRuns is newest first). */
function pick(candidates: readonly RunRecord[]): RunRecord | null {
  return candidates.find((r) => r.status === 'completed') ?? candidates.find((r) => r.status === 'running' || r.status === 'queued') ?? candidates[0] ?? null;
}

export function matchPlan(store: Store, plan: readonly PlannedRun[], summary: StudySummary, rdivEps: number[] | null): MatchedRun[] {
  const byKey = indexRuns(store);
  return plan.map((p) => {
    const run = pick(byKey.get(p.key) ?? []);
    const epoch = run && run.status === 'completed' ? summaryEpoch(store.epochs(run.id), summary) : null;
    const stored = run && epoch !== null ? store.evaluationsDetailed(run.id).slice().reverse() : [];
    const evals = p.evals.map((e) => (epoch === null ? null : stored.find((s) => evalMatches(s, e, epoch)) ?? null));
    const eps = run && rdivEps ? store.rdiv(run.id).eps : [];
    const rdivEpsDone = rdivEps === null || rdivEps.every((v) => eps.some((r) => Math.abs(r.eps - v) < EPS_TOLERANCE));
    return { plan: p, run, epoch, evals, rdivEpsDone };
  });
}
