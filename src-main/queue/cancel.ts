/**
 * Cancelling a remote run (runs:cancel here, or a cancel request another process left in Redis): a queued
 * one is cancelled at once and its job removed; a running one is answered in its worker's next heartbeat
 * (HeartbeatReply.cancelRuns) and ended by the worker's `done cancelled` record.
 */
import { RunConflictError } from '../store/store.js';
import type { CoordinatorState } from './coordinator-state.js';
import { settleRemote } from './lease.js';
import { trainJobId } from './wire.js';

export function cancelRemote(s: CoordinatorState, id: string): void {
  const r = s.store.getRun(id);
  if (!r || r.queueName === null) return;
  if (r.status === 'queued') {
    try {
      s.store.transition(id, 'cancelled', { from: ['queued'], where: 'runs:cancel' });
    } catch (err) {
      // A worker claimed it meanwhile: cancel it there.
      if (!(err instanceof RunConflictError)) throw err;
      if (err.status === 'running') cancelRemote(s, id);
      return;
    }
    s.events.emit('run:status', { id, status: 'cancelled', error: null });
    s.bull.remove(r.queueName, trainJobId(r.id, r.attempt)).catch((err: unknown) => s.log(`coordinator: cancel ${id}: ${(err as Error).message}`));
    return;
  }
  if (r.status !== 'running') return;
  if (r.workerId !== null) s.cancels.set(id, r.workerId);
  else settleRemote(s, id, 'cancelled', null);
}
