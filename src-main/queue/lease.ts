/** The lease rule of every worker write (records, checkpoint uploads), and the end of a remote run. */
import { ApiError } from '../api/dispatch.js';
import type { RunRecord } from '../store/rows.js';
import { emitStatus, type CoordinatorState } from './coordinator-state.js';

export function requireLease(s: CoordinatorState, runId: string, lease: string, where: string): RunRecord {
  const run = s.store.getRun(runId);
  if (!run) throw new ApiError('not-found', `${where}: no run ${JSON.stringify(runId)}`);
  if (run.lease !== lease) throw new ApiError('conflict', `${where}: run ${runId}'s lease is held by ${run.workerId ?? 'nobody'} now (attempt ${run.attempt}); this record's lease is stale`);
  if (run.status !== 'running') throw new ApiError('conflict', `${where}: run ${runId} is ${run.status}, not running`);
  return run;
}

/** Settles a remote run once (the coordinator owns it in the store). */
export function settleRemote(s: CoordinatorState, runId: string, status: 'completed' | 'cancelled' | 'failed', error: string | null): void {
  s.store.finishRun(runId, status, s.owner, error, 'coordinator');
  s.cancels.delete(runId);
  s.progress.delete(runId);
  emitStatus(s, runId);
}

