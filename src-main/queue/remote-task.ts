/**
 * Evaluations and analyses of a coordinator's runs on remote workers (the JobRunner of service/job-runner.ts):
 * the engine job goes out as a BullMQ `task` job (id = run + task); the worker claims it (the job without
 * this host's file paths, and refs of the checkpoints to download), runs it and posts the worker thread's
 * result message back, which resolves the features' await, so the outcome is stored by the same code as a
 * local one. A task whose worker is lost, or whose job vanished with Redis, is dispatched again.
 */
import crypto from 'node:crypto';
import { ApiError } from '../api/dispatch.js';
import { toStoredConfig } from '../shared/config-migrations.js';
import type { AnalysisOutcome, EvalOutcome } from '../shared/rows.js';
import type { AnalyzeJob, EvalJob } from '../service/protocol.js';
import type { JobRunner, TaskPlacement } from '../service/job-runner.js';
import { localRunner } from '../service/job-runner.js';
import { DEFAULT_QUEUE } from '../shared/workers.js';
import { workerAlive } from './claim.js';
import type { CoordinatorState } from './coordinator-state.js';
import { taskJobId, type CheckpointRef, type ClaimReply, type TaskResult } from './wire.js';

interface Pending {
  at: TaskPlacement;
  queue: string;
  taskKind: 'eval' | 'analysis';
  /** The result message kind the job answers with. */
  resultKind: 'eval-result' | 'eval-grid-result' | 'analysis-result';
  job: unknown;
  checkpoints: CheckpointRef[];
  lease: string | null;
  workerId: string | null;
  claimedAt: number;
  resolve: (result: unknown) => void;
  reject: (err: Error) => void;
}

export class RemoteTasks implements JobRunner {
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly s: CoordinatorState) {}

  eval(job: EvalJob, onProgress?: Parameters<JobRunner['eval']>[1], at?: TaskPlacement): Promise<EvalOutcome> {
    if (!at || job.source.kind !== 'checkpoint') return localRunner.eval(job, onProgress);
    const { engineModules: _m, ...rest } = job;
    const wire = { ...rest, source: { kind: 'checkpoint', sha256: job.source.sha256, config: toStoredConfig(job.source.config) } };
    return this.send(at, 'eval', 'eval-result', wire, [job.source.sha256]) as Promise<EvalOutcome>;
  }

  evalGrid(job: EvalJob & { epsGrid: number[] }, onProgress?: Parameters<JobRunner['evalGrid']>[1], at?: TaskPlacement): Promise<EvalOutcome[]> {
    if (!at || job.source.kind !== 'checkpoint') return localRunner.evalGrid(job, onProgress);
    const { engineModules: _m, ...rest } = job;
    const wire = { ...rest, source: { kind: 'checkpoint', sha256: job.source.sha256, config: toStoredConfig(job.source.config) } };
    return this.send(at, 'eval', 'eval-grid-result', wire, [job.source.sha256]) as Promise<EvalOutcome[]>;
  }

  analyze(job: AnalyzeJob, onProgress?: Parameters<JobRunner['analyze']>[1], at?: TaskPlacement): Promise<AnalysisOutcome> {
    if (!at) return localRunner.analyze(job, onProgress);
    const { engineModules: _m, ...rest } = job;
    const wire = { ...rest, config: toStoredConfig(job.config), checkpoints: job.checkpoints.map((c) => ({ epoch: c.epoch, sha256: c.sha256 })) };
    return this.send(at, 'analysis', 'analysis-result', wire, job.checkpoints.map((c) => c.sha256)) as Promise<AnalysisOutcome>;
  }

  private send(at: TaskPlacement, taskKind: Pending['taskKind'], resultKind: Pending['resultKind'], job: unknown, shas: string[]): Promise<unknown> {
    const stored = this.s.store.checkpoints(at.runId);
    const checkpoints = shas.map((h) => {
      const c = stored.find((x) => x.sha256 === h);
      if (!c) throw new Error(`remote task ${at.taskId} of run ${at.runId}: checkpoint ${h.slice(0, 12)}... is not in the store`);
      return { runId: at.runId, epoch: c.epoch, globalStep: c.globalStep, sha256: c.sha256, size: c.size };
    });
    const queue = this.s.store.getRun(at.runId)?.queueName ?? DEFAULT_QUEUE;
    return new Promise((resolve, reject) => {
      this.pending.set(at.taskId, { at, queue, taskKind, resultKind, job, checkpoints, lease: null, workerId: null, claimedAt: 0, resolve, reject });
      // A failed add is retried by the reconcile loop (a task without a job in Redis is added again).
      this.s.bull.add(queue, taskJobId(at.runId, at.taskId), { kind: 'task', runId: at.runId, taskId: at.taskId })
        .catch((err: unknown) => this.s.log(`coordinator: task ${at.taskId}: ${(err as Error).message}; the reconcile loop adds it once the broker answers`));
    });
  }

  claim(workerId: string, runId: string, taskId: number): ClaimReply {
    const p = this.pending.get(taskId);
    if (!p || p.at.runId !== runId) throw new ApiError('conflict', `POST /worker/claim: task ${taskId} of run ${runId} is not waiting for a worker here (done, or started by an earlier coordinator)`);
    p.lease = `${workerId}/${crypto.randomUUID()}`;
    p.workerId = workerId;
    p.claimedAt = Date.now();
    return { kind: 'task', lease: p.lease, taskKind: p.taskKind, job: p.job, checkpoints: p.checkpoints, datasetFingerprint: this.s.store.getRun(runId)?.datasetFingerprint ?? null };
  }

  result(t: TaskResult): { applied: boolean } {
    const p = this.pending.get(t.taskId);
    if (!p || p.at.runId !== t.runId || p.lease !== t.lease) throw new ApiError('conflict', `POST /worker/task-result: task ${t.taskId}'s lease is not ${t.lease} (done, or given to another worker)`);
    if (t.outcome.ok && t.outcome.message.kind !== p.resultKind) throw new ApiError('bad-request', `POST /worker/task-result: task ${t.taskId} answers ${p.resultKind}, got ${t.outcome.message.kind}`);
    this.pending.delete(t.taskId);
    if (!t.outcome.ok) { p.reject(new Error(t.outcome.error)); return { applied: true }; }
    const result = (t.outcome.message as { result?: unknown }).result;
    if (result === null || typeof result !== 'object') throw new ApiError('bad-request', `POST /worker/task-result: task ${t.taskId}'s ${p.resultKind} has no result object`);
    p.resolve(result);
    return { applied: true };
  }

  /** Re-adds the jobs of tasks that lost theirs (Redis restarted) or whose worker is lost. */
  async reconcile(now = Date.now()): Promise<void> {
    for (const [taskId, p] of this.pending) {
      const jobId = taskJobId(p.at.runId, taskId);
      if (p.lease !== null && (workerAlive(this.s, p.workerId, now) || now - p.claimedAt < 10_000)) continue;
      const state = await this.s.bull.state(p.queue, jobId);
      if (p.lease === null && state !== 'unknown' && state !== 'completed' && state !== 'failed') continue;
      if (p.lease !== null) this.s.log(`coordinator: task ${taskId} of run ${p.at.runId}: worker ${p.workerId ?? '?'} is lost; dispatching it again`);
      p.lease = null;
      p.workerId = null;
      if (state !== 'unknown') await this.s.bull.remove(p.queue, jobId);
      await this.s.bull.add(p.queue, jobId, { kind: 'task', runId: p.at.runId, taskId });
    }
  }

  /** The service closes: pending tasks end with an error (their rows are marked interrupted by the run queue). */
  close(): void {
    for (const p of this.pending.values()) p.reject(new Error(`remote task ${p.at.taskId} of run ${p.at.runId}: the coordinator closed before a worker answered`));
    this.pending.clear();
  }
}
