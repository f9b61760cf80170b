/**
 * POST /worker/claim: a worker took a BullMQ job and asks for the run. Only a run that is queued or running
 * and still at the job's attempt is given out (409 otherwise: cancelled, ended, or dispatched again); the
 * claim takes a new lease, so a stalled job redelivered to another worker supersedes the dead one.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { ApiError } from '../api/dispatch.js';
import { WORKER_LOST_MS } from '../shared/workers.js';
import { emitStatus, type CoordinatorState } from './coordinator-state.js';
import type { CheckpointRef, ClaimReply, ClaimRequest } from './wire.js';

export function claim(s: CoordinatorState, c: ClaimRequest): ClaimReply {
  const where = `POST /worker/claim(${c.job.runId} by ${c.workerId})`;
  if (c.job.kind === 'task') return s.tasks.claim(c.workerId, c.job.runId, c.job.taskId);
  const run = s.store.getRun(c.job.runId);
  if (!run) throw new ApiError('conflict', `${where}: no run ${c.job.runId} in this coordinator's store`);
  if (s.cancels.has(run.id)) throw new ApiError('conflict', `${where}: run ${run.id} is being cancelled`);
  const lease = `${c.workerId}/${crypto.randomUUID()}`;
  const claimed = s.store.claimRemote(run.id, c.job.attempt, c.workerId, lease, s.owner);
  if (!claimed) throw new ApiError('conflict', `${where}: run ${run.id} is ${run.status} at attempt ${run.attempt}; attempt ${c.job.attempt} is stale`);
  if (run.workerId !== null && run.workerId !== c.workerId) s.log(`coordinator: run ${run.id} moves from worker ${run.workerId} to ${c.workerId} (attempt ${run.attempt})`);
  s.leaseSeq.set(lease, -1);
  emitStatus(s, run.id);
  return { kind: 'train', lease, config: claimed.config, checkpoint: newestCheckpoint(s, run.id), datasetFingerprint: claimed.datasetFingerprint, keepCheckpoints: s.keepCheckpoints };
}

/** The newest checkpoint whose file is there (the worker verifies the bytes against the SHA-256). */
function newestCheckpoint(s: CoordinatorState, runId: string): CheckpointRef | null {
  for (const c of s.store.checkpoints(runId)) {
    if (fs.existsSync(s.store.resolveFile(c.file))) return { runId, epoch: c.epoch, globalStep: c.globalStep, sha256: c.sha256, size: c.size };
  }
  return null;
}

/** Whether a worker has been heard from recently (judged only once this coordinator has lived WORKER_LOST_MS). */
export function workerAlive(s: CoordinatorState, workerId: string | null, now = Date.now()): boolean {
  if (now - s.startedAt < WORKER_LOST_MS) return true;
  if (workerId === null) return false;
  const w = s.store.getWorker(workerId);
  return w !== null && now - w.lastHeartbeat < WORKER_LOST_MS;
}
