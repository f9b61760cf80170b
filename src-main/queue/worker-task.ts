/**
 * One background task on this worker (a BullMQ `task` job: an evaluation or an analysis of a run):
 * downloads the checkpoints it reads, points the job's file paths at the downloaded files, runs it in
 * an engine worker thread (service/eval-job.ts) and sends the outcome with POST /worker/task-result,
 * retried while the coordinator is unreachable.
 */
import { z } from 'zod';
import type { Job } from 'bullmq';
import { runAnalyzeJob, runEvalGridJob, runEvalJob, type WorkerTask } from '../service/eval-job.js';
import type { AnalyzeJob, EvalJob, FromWorker } from '../service/protocol.js';
import { readStoredConfig } from '../shared/config-migrations.js';
import { formatIssues } from '../shared/format-issues.js';
import type { WorkerJobInfo } from '../shared/workers.js';
import fs from 'node:fs';
import path from 'node:path';
import { fetchCheckpoint, type CachedCheckpoint } from './checkpoint-cache.js';
import { RetryAborted, retry } from './retry.js';
import type { JobContext, JobOutcome, RunningJob } from './worker-job.js';
import type { ClaimReply, TaskResult } from './wire.js';

type TaskClaim = Extract<ClaimReply, { kind: 'task' }>;
const sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const EvalShape = z.object({ kind: z.literal('eval'), source: z.object({ kind: z.literal('checkpoint'), sha256, config: z.unknown() }).passthrough(),
  dataDir: z.string().nullable().optional(), epsGrid: z.array(z.number()).optional() }).passthrough();
const AnalyzeShape = z.object({ kind: z.literal('analyze'), config: z.unknown(),
  checkpoints: z.array(z.object({ epoch: z.number().int().min(0), sha256 }).passthrough()).min(1) }).passthrough();

/** The claim's job with its configurations re-validated and its files pointing at the downloaded checkpoints. */
export function localTaskJob(claim: TaskClaim, files: CachedCheckpoint[], dataDir: string | null, backend: EvalJob['backend'], where: string): EvalJob | AnalyzeJob {
  const bySha = (h: string): string => {
    const f = files.find((c) => c.sha256 === h);
    if (f === undefined) throw new Error(`${where}: the job reads a checkpoint (${h.slice(0, 12)}...) the claim did not list`);
    return f.absolute;
  };
  if (claim.taskKind === 'eval') {
    const r = EvalShape.safeParse(claim.job);
    if (!r.success) throw new Error(`${where}: not an evaluation job: ${formatIssues(r.error, claim.job)}`);
    const config = readStoredConfig(r.data.source.config, `${where}: the run's configuration`);
    const job = r.data as unknown as EvalJob;
    // This host's backend for a run that asked for auto (the coordinator's is another machine's), as for training.
    return { ...job, source: { kind: 'checkpoint', file: bySha(r.data.source.sha256), sha256: r.data.source.sha256, config },
      dataDir: dataDir ?? r.data.dataDir ?? null, backend };
  }
  const r = AnalyzeShape.safeParse(claim.job);
  if (!r.success) throw new Error(`${where}: not an analysis job: ${formatIssues(r.error, claim.job)}`);
  let config = readStoredConfig(r.data.config, `${where}: the run's configuration`);
  if (dataDir !== null) config = { ...config, dataDir };
  const job = r.data as unknown as AnalyzeJob;
  return { ...job, config, backend, checkpoints: r.data.checkpoints.map((c) => ({ epoch: c.epoch, sha256: c.sha256, file: bySha(c.sha256) })) };
}

export function startTask(ctx: JobContext, job: Job, runId: string, taskId: number, claim: TaskClaim): RunningJob {
  const info: WorkerJobInfo = { jobId: job.id ?? '?', kind: claim.taskKind, runId, taskId, epoch: null, progress: null };
  const where = `ascl worker: task ${taskId} of run ${runId}`;
  let task: WorkerTask<unknown> | null = null;
  let stop: 'cancelled' | 'interrupted' | null = null;
  // A folder of its own: a training job of the same run on this worker keeps its checkpoints under the cache's root.
  const home = path.join(ctx.cacheDir, 'tasks', `${runId}-t${taskId}`);

  const send = async (outcome: TaskResult['outcome']): Promise<JobOutcome | null> => {
    const r = await retry(() => ctx.client.taskResult({ runId, taskId, lease: claim.lease, outcome }),
      { what: `POST /worker/task-result (task ${taskId})`, reach: ctx.reach, shouldStop: () => stop === 'interrupted' });
    return r === 'lease-lost' ? { outcome: 'lease-lost', message: `${where}: the coordinator gave the task to another worker (409)` } : null;
  };

  const done = (async (): Promise<JobOutcome> => {
    try {
      const files: CachedCheckpoint[] = [];
      for (const ref of claim.checkpoints) files.push(await fetchCheckpoint(ctx.client, ctx.reach, home, ref, () => stop !== null));
      let result: FromWorker;
      try {
        const local = localTaskJob(claim, files, ctx.dataDir, ctx.backend, where);
        const onProgress = (p: { done: number; total: number }): void => { info.progress = p.total > 0 ? Math.min(1, p.done / p.total) : null; };
        if (local.kind === 'analyze') {
          const t = runAnalyzeJob({ ...local, engineModules: ctx.engineModules }, onProgress);
          task = t;
          result = { kind: 'analysis-result', result: await t.done };
        } else if (local.epsGrid !== undefined) {
          const t = runEvalGridJob(local, onProgress);
          task = t;
          result = { kind: 'eval-grid-result', result: await t.done };
        } else {
          const t = runEvalJob(local, onProgress);
          task = t;
          result = { kind: 'eval-result', result: await t.done };
        }
      } catch (err) {
        if (stop !== null) return { outcome: stop, message: null };
        const message = (err as Error).message;
        return (await send({ ok: false, error: message.slice(0, 20_000) })) ?? { outcome: 'failed', message };
      }
      if (stop !== null) return { outcome: stop, message: null };
      return (await send({ ok: true, message: result })) ?? { outcome: 'completed', message: null };
    } catch (err) {
      if (err instanceof RetryAborted || stop !== null) return { outcome: stop ?? 'interrupted', message: null };
      // A download that does not verify: the task fails with the reason (the coordinator records it).
      const message = `${where}: ${(err as Error).message}`;
      try {
        return (await send({ ok: false, error: message.slice(0, 20_000) })) ?? { outcome: 'failed', message };
      } catch (sendErr) {
        return { outcome: 'failed', message: `${message}; and the failure could not be reported: ${(sendErr as Error).message}` };
      }
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  })();

  return {
    info,
    done,
    cancel: () => { stop ??= 'cancelled'; void task?.cancel(); },
    terminate: async () => { stop = 'interrupted'; await task?.cancel(); },
  };
}
