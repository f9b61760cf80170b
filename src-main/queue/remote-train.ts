/**
 * A remote worker's training records applied to the store (POST /worker/record), through the same
 * TrainRecorder as a run trained here, so a remote run is stored exactly as a local one. Accepted only from
 * the run's current lease (409 otherwise: a superseded worker's records never land). Idempotent: a retried
 * record (seq already applied) or an epoch already stored answers applied: false; an epoch after a gap is 409
 * (the worker's attempt is abandoned and the run dispatched again from its last checkpoint).
 */
import { ApiError } from '../api/dispatch.js';
import { checkpointRelPath } from '../store/paths.js';
import { TrainRecorder } from '../service/train-recorder.js';
import type { CoordinatorState } from './coordinator-state.js';
import { requireLease, settleRemote } from './lease.js';
import { RemoteMessageSchema, StepMessageSchema, type RemoteStep } from './remote-messages.js';
import { verifiedUpload } from './checkpoint-upload.js';
import type { TrainRecord } from './wire.js';
import { formatIssues } from '../shared/format-issues.js';

export function applyRecord(s: CoordinatorState, rec: TrainRecord): { applied: boolean } {
  const where = `POST /worker/record(run ${rec.runId}, seq ${rec.seq})`;
  const run = requireLease(s, rec.runId, rec.lease, where);
  const parsed = RemoteMessageSchema.safeParse(rec.message);
  if (!parsed.success) throw new ApiError('bad-request', `${where}: bad message: ${formatIssues(parsed.error)}`);
  const steps: RemoteStep[] = [];
  for (const [i, st] of (rec.steps ?? []).entries()) {
    const p = StepMessageSchema.safeParse(st);
    if (!p.success) throw new ApiError('bad-request', `${where}: bad step ${i}: ${formatIssues(p.error)}`);
    steps.push(p.data);
  }
  const last = s.leaseSeq.get(rec.lease) ?? -1;
  if (rec.seq <= last) return { applied: false };
  const m = parsed.data;
  const recorder = new TrainRecorder(run.id, { store: s.store, events: s.events, keepCheckpoints: s.keepCheckpoints, log: s.log }, run.epochsTotal);
  const fail = (message: string): { applied: boolean } => { settleRemote(s, run.id, 'failed', message); s.leaseSeq.set(rec.lease, rec.seq); return { applied: true }; };
  const withSteps = (): string | null => {
    for (const st of steps) { const f = recorder.apply(st, false); if (f !== null) return f; }
    return null;
  };
  switch (m.kind) {
    case 'started': case 'dataset': case 'selection': {
      const f = recorder.apply(m);
      if (f !== null) return fail(f);
      break;
    }
    case 'resumed':
      // Only the lease's first record truncates: a retry after later records must never drop them.
      if (last >= 0) return { applied: false };
      recorder.apply(m);
      break;
    case 'epoch': {
      const done = s.store.requireRun(run.id).epochsDone;
      if (m.m.epoch <= done) { s.leaseSeq.set(rec.lease, rec.seq); return { applied: false }; }
      if (m.m.epoch > done + 1) throw new ApiError('conflict', `${where}: epoch ${m.m.epoch} after epoch ${done}: a gap; this attempt is dispatched again from its last checkpoint`);
      const f = withSteps();
      if (f !== null) return fail(f);
      recorder.apply(m);
      break;
    }
    case 'checkpoint': {
      const file = checkpointRelPath(run.id, m.epoch);
      verifiedUpload(s, run.id, m.epoch, m.sha256, m.size, where);
      recorder.apply({ ...m, file });
      break;
    }
    case 'done': {
      const f = withSteps();
      if (f !== null) return fail(f);
      recorder.flushSteps();
      settleRemote(s, run.id, m.status, null);
      break;
    }
    case 'error': {
      withSteps();
      recorder.flushSteps();
      return fail(m.message);
    }
  }
  s.leaseSeq.set(rec.lease, rec.seq);
  return { applied: true };
}
