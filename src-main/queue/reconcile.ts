/**
 * The coordinator's reconcile loop: every RECONCILE_MS (and at start-up, so a restarted coordinator re-derives
 * the queue from the store and the jobs' states) each queued or running remote run is checked against Redis:
 *   queued, job missing (Redis restarted empty)     -> the same job added again (same id: harmless twice)
 *   queued, job completed or failed                 -> the next attempt, queued, its job added
 *   running, its worker lost (no heartbeat for WORKER_LOST_MS) or no longer holding it, and no redelivered
 *   job waiting for it                              -> the next attempt (the dead worker's later records get 409)
 *   cancel pending, its worker lost                 -> cancelled here
 * Bounded: every Redis call has a deadline (bull.ts), a failing call ends the tick with one log line, and the
 * timer is always set again, so a Redis outage delays the loop but can never stop it.
 */
import { WORKER_LOST_MS } from '../shared/workers.js';
import type { RunRecord } from '../store/rows.js';
import { workerAlive } from './claim.js';
import { emitStatus, type CoordinatorState } from './coordinator-state.js';
import { settleRemote } from './lease.js';
import { cancelRemote } from './cancel.js';
import { trainJobId } from './wire.js';

export const RECONCILE_MS = 3000;
/** A run dispatched this often without finishing fails (a run that kills every worker must not loop for ever). */
export const MAX_ATTEMPTS = 20;
/** After a claim, the worker's heartbeats have this long to list the run. */
const CLAIM_GRACE_MS = 10_000;

/** Whether the run's worker is alive and says it holds the run. */
function held(s: CoordinatorState, r: RunRecord, now: number): boolean {
  if (!workerAlive(s, r.workerId, now)) return false;
  if (r.startedAt !== null && now - Date.parse(r.startedAt) < CLAIM_GRACE_MS) return true;
  if (now - s.startedAt < WORKER_LOST_MS) return true;
  const w = r.workerId !== null ? s.store.getWorker(r.workerId) : null;
  return w !== null && w.info.jobs.some((j) => j.runId === r.id);
}

/** Dispatches the next attempt of a run (conditional on the attempt judged lost), and adds its job. */
export async function dispatchAgain(s: CoordinatorState, r: RunRecord, why: string): Promise<void> {
  if (r.attempt >= MAX_ATTEMPTS) {
    settleRemote(s, r.id, 'failed', `coordinator: run ${r.id} was dispatched ${r.attempt} times without finishing (last: ${why}); see the workers' logs`);
    return;
  }
  const next = s.store.requeueRemote(r.id, r.attempt, s.owner, null);
  if (!next) return; // claimed or settled meanwhile: the store decided
  s.log(`coordinator: run ${r.id}: ${why}; dispatching attempt ${next.attempt}`);
  s.progress.delete(r.id);
  emitStatus(s, r.id);
  await s.bull.add(next.queueName ?? 'default', trainJobId(next.id, next.attempt), { kind: 'train', runId: next.id, attempt: next.attempt });
}

export async function reconcileOnce(s: CoordinatorState): Promise<void> {
  const now = Date.now();
  for (const id of await s.bull.takeCancelRequests()) cancelRemote(s, id);
  await s.tasks.reconcile();
  for (const r of s.store.remoteRuns()) {
    const queue = r.queueName ?? 'default';
    const jobId = trainJobId(r.id, r.attempt);
    if (s.cancels.has(r.id)) {
      if (r.status === 'running' && !workerAlive(s, r.workerId, now)) settleRemote(s, r.id, 'cancelled', null);
      continue;
    }
    const state = await s.bull.state(queue, jobId);
    if (r.status === 'queued') {
      if (state === 'unknown') {
        await s.bull.add(queue, jobId, { kind: 'train', runId: r.id, attempt: r.attempt });
      } else if (state === 'completed' || state === 'failed') {
        await dispatchAgain(s, r, `its job ${jobId} is ${state} but the run never started`);
      }
      continue;
    }
    // running
    if (held(s, r, now)) continue;
    if (state === 'waiting' || state === 'prioritized' || state === 'delayed') continue; // redelivered: a worker will claim it
    await dispatchAgain(s, r, `worker ${r.workerId ?? '?'} ${workerAlive(s, r.workerId, now) ? 'no longer holds it' : `is lost (no heartbeat for ${WORKER_LOST_MS / 1000} s)`}, job ${state}`);
  }
}

/** The loop: never overlapping, never throwing, always rescheduled until stopped. */
export function startReconcileLoop(s: CoordinatorState): { stop(): void; kick(): void } {
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let running = false;
  let lastError: string | null = null;
  const tick = async (): Promise<void> => {
    if (stopped || running) return;
    running = true;
    try {
      await reconcileOnce(s);
      if (lastError !== null) s.log('coordinator: reconcile works again (the broker answers)');
      lastError = null;
    } catch (err) {
      const message = (err as Error).message;
      if (message !== lastError) s.log(`coordinator: reconcile: ${message}; retrying every ${RECONCILE_MS / 1000} s`);
      lastError = message;
    } finally {
      running = false;
      if (!stopped) { if (timer) clearTimeout(timer); timer = setTimeout(() => void tick(), RECONCILE_MS); }
    }
  };
  timer = setTimeout(() => void tick(), 0);
  return {
    stop() { stopped = true; if (timer) clearTimeout(timer); },
    kick() { if (!stopped && !running) { if (timer) clearTimeout(timer); timer = setTimeout(() => void tick(), 0); } },
  };
}
