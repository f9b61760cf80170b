/**
 * The one contract between the coordinator (`ascl serve --broker`, the desktop app) and `ascl worker`:
 * the BullMQ job data, and the coordinator's worker API over HTTP. Both sides import these schemas;
 * the coordinator validates every request with them, the worker every reply.
 *
 * Division of labour (issue 10): BullMQ only says *which* job a worker should take and carries live
 * progress (`job.updateProgress` -> QueueEvents). Everything durable (epochs with their steps,
 * checkpoints, selection snapshots, results, the end of a run) goes over the HTTP API below, in
 * order, retried with backoff while the coordinator is unreachable. The coordinator stays the only
 * writer of the store and accepts a record only from the worker holding the run's current lease.
 *
 * HTTP (every request carries `Authorization: Bearer <token>`, on loopback too; JSON unless noted):
 *   POST /worker/hello        WorkerHello        -> HelloReply
 *   POST /worker/heartbeat    WorkerHeartbeat    -> HeartbeatReply (cancels for this worker)
 *   POST /worker/claim        ClaimRequest       -> ClaimReply | 409 (stale: run ended, another attempt, cancelled)
 *   POST /worker/record       TrainRecord        -> { ok: true, applied: boolean } | 409 (lease lost)
 *   GET  /worker/checkpoint?runId=R&epoch=E      -> the checkpoint file's bytes (header X-Checkpoint-Sha256)
 *   PUT  /worker/checkpoint?runId=R&lease=L&epoch=E&globalStep=S&sha256=H  body: the file's bytes
 *                                                -> { ok: true } once verified and written atomically | 400 sha mismatch
 *   POST /worker/task-result  TaskResult         -> { ok: true, applied: boolean } | 409
 * Errors are ApiErrorBody (shared/channels.ts) with 400/401/404/409/413 as the HTTP transport uses them.
 */
import { z } from 'zod';
import { queueName, WORKER_STATES, WORKER_JOB_KINDS } from '../shared/workers.js';

/** BullMQ queue of a queue name (one Redis prefix for all of them: `ascl`). */
export const BULL_PREFIX = 'ascl';
export const bullQueueName = (queue: string): string => `runs-${queue}`;

/**
 * A Redis set of run ids whose cancel was asked for by a process that is not the coordinator (`ascl train --broker`
 * interrupted with Ctrl-C): the coordinator's reconcile loop takes them and cancels each as runs:cancel would.
 */
export const CANCEL_REQUESTS_KEY = `${BULL_PREFIX}:cancel-requests`;

/** Job ids: enqueueing the same attempt or task twice adds nothing (BullMQ ignores a duplicate id). */
export const trainJobId = (runId: string, attempt: number): string => `${runId}-a${attempt}`;
export const taskJobId = (runId: string, taskId: number): string => `${runId}-t${taskId}`;

const runId = z.string().min(1).max(100);
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 in lower-case hex');

/** BullMQ job data. */
export const JobDataSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('train'), runId, attempt: z.number().int().min(1) }).strict(),
  z.object({ kind: z.literal('task'), runId, taskId: z.number().int().min(1) }).strict(),
]);
export type JobData = z.infer<typeof JobDataSchema>;

/** Live progress through `job.updateProgress` (about 1/s plus at every epoch's end); never stored. */
export const JobProgressSchema = z.object({
  epoch: z.number().int().min(1), step: z.number().int().min(0), stepInEpoch: z.number().int().min(0),
  stepsPerEpoch: z.number().int().min(1), loss: z.number(), samplesPerSecond: z.number(), etaSeconds: z.number().nullable(),
}).strict();
export type JobProgress = z.infer<typeof JobProgressSchema>;

export const WorkerHelloSchema = z.object({
  workerId: z.string().min(1).max(200), host: z.string().min(1).max(255), pid: z.number().int().min(1),
  queue: queueName, backend: z.string().max(50), gpu: z.string().max(300).nullable(),
  cores: z.number().int().min(1).max(4096), concurrency: z.number().int().min(1).max(1024), version: z.string().max(50),
}).strict();
export type WorkerHello = z.infer<typeof WorkerHelloSchema>;
export interface HelloReply { ok: true; coordinator: { version: string } }

export const WorkerHeartbeatSchema = z.object({
  workerId: z.string().min(1).max(200),
  state: z.enum(WORKER_STATES),
  message: z.string().max(2000).nullable(),
  jobs: z.array(z.object({
    jobId: z.string().max(200), kind: z.enum(WORKER_JOB_KINDS), runId, taskId: z.number().int().nullable(),
    epoch: z.number().int().nullable(), progress: z.number().min(0).max(1).nullable(),
  }).strict()).max(1024),
}).strict();
export type WorkerHeartbeat = z.infer<typeof WorkerHeartbeatSchema>;
/** Run ids and task ids whose work this worker must stop now (cancelled in the UI). */
export interface HeartbeatReply { cancelRuns: string[]; cancelTasks: number[] }

export const ClaimRequestSchema = z.object({ workerId: z.string().min(1).max(200), job: JobDataSchema }).strict();
export type ClaimRequest = z.infer<typeof ClaimRequestSchema>;

/** The checkpoint a training attempt resumes from (download it with GET /worker/checkpoint), or a task's model. */
export const CheckpointRefSchema = z.object({ runId, epoch: z.number().int().min(0), globalStep: z.number().int().min(0), sha256, size: z.number().int().min(0) }).strict();
export type CheckpointRef = z.infer<typeof CheckpointRefSchema>;

/**
 * train: the run's configuration (a stored RunConfig, re-validated by the worker with RunConfigSchema), its newest
 * checkpoint that reached the coordinator, and the dataset fingerprint recorded with the run (null before its first start).
 * task: the worker job to run (an EvalJob or AnalyzeJob of service/protocol.ts without file paths) and the checkpoints it reads.
 * lease: quoted in every record; a later claim of the same run (another worker) makes it stale.
 */
export type ClaimReply =
  | { kind: 'train'; lease: string; config: unknown; checkpoint: CheckpointRef | null; datasetFingerprint: string | null; keepCheckpoints: number }
  | { kind: 'task'; lease: string; taskKind: 'eval' | 'analysis'; job: unknown; checkpoints: CheckpointRef[]; datasetFingerprint: string | null };

/**
 * A training worker thread's message (FromWorker of service/protocol.ts: started, dataset, resumed, epoch, checkpoint,
 * selection, done, error), relayed in order. `seq` counts from 0 per lease; an epoch carries the steps since the last
 * epoch (steps are not sent alone). A checkpoint record is sent only after its PUT succeeded.
 * Idempotent: a record the coordinator already applied (retry after a lost reply) answers applied: false.
 */
export const TrainRecordSchema = z.object({
  runId, lease: z.string().min(1).max(300), seq: z.number().int().min(0),
  message: z.object({ kind: z.string().max(30) }).passthrough(),
  steps: z.array(z.object({ kind: z.literal('step') }).passthrough()).max(1_000_000).optional(),
}).strict();
export type TrainRecord = z.infer<typeof TrainRecordSchema>;

/** A task's outcome: the worker thread's result message (eval-result, eval-grid-result, analysis-result) or its error. */
export const TaskResultSchema = z.object({
  runId, taskId: z.number().int().min(1), lease: z.string().min(1).max(300),
  outcome: z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), message: z.object({ kind: z.string().max(30) }).passthrough() }).strict(),
    z.object({ ok: z.literal(false), error: z.string().max(20_000) }).strict(),
  ]),
}).strict();
export type TaskResult = z.infer<typeof TaskResultSchema>;
