/**
 * Distributed mode's vocabulary, shared by the coordinator, the `ascl worker` process, the CLI and the
 * renderer: queue names (a queue routes runs to a class of workers, e.g. `gpu-a100`), the worker row of
 * the Workers view / `ascl workers`, and the timing constants both sides agree on.
 * This file must not import TensorFlow, SQLite, BullMQ or Electron: the renderer bundles it.
 */
import { z } from 'zod';

/** The queue of runs started without one. */
export const DEFAULT_QUEUE = 'default';

/** A queue name: what `--queue`, the Setup form's queue choice and `runs:start { queue }` accept. */
export const queueName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/,
  'a queue name is 1-63 lower-case letters, digits, "-" or "_", starting with a letter or digit (e.g. "gpu-a100")');

/** idle: free slots, no job; busy: every slot taken or some; retrying: the coordinator is unreachable and the worker retries
 * (its results are kept until delivered); stopped: it stopped taking jobs (message says why); lost: no heartbeat for WORKER_LOST_MS. */
export const WORKER_STATES = ['idle', 'busy', 'retrying', 'stopped', 'lost'] as const;
export type WorkerState = (typeof WORKER_STATES)[number];

/** What a worker runs: a training run, or a background task (an evaluation or an analysis) of a run. */
export const WORKER_JOB_KINDS = ['train', 'eval', 'analysis'] as const;
export type WorkerJobKind = (typeof WORKER_JOB_KINDS)[number];

export interface WorkerJobInfo {
  /** BullMQ job id: `<run>-a<attempt>` for training, `<run>-t<task>` for a task. */
  jobId: string;
  kind: WorkerJobKind;
  runId: string;
  taskId: number | null;
  /** Training: the epoch in progress (1-based) and the share of it done, 0..1; null for tasks or before the first step. */
  epoch: number | null;
  progress: number | null;
}

/** One row of the Workers view and of `ascl workers --json`. */
export interface WorkerInfo {
  /** Stable for the life of the process: `<host>-<pid>-<random>`. */
  id: string;
  host: string;
  pid: number;
  queue: string;
  /** The backend the worker's engine threads use (e.g. tensorflow, webgpu, wasm) and its GPU in words, null without one. */
  backend: string;
  gpu: string | null;
  cores: number;
  /** Jobs it runs at once (one per core or GPU). */
  concurrency: number;
  state: WorkerState;
  /** Why it is stopped or retrying, in words; null otherwise. */
  message: string | null;
  jobs: WorkerJobInfo[];
  version: string;
  /** ISO 8601 times. */
  startedAt: string;
  lastHeartbeat: string;
}

/** A worker reports every WORKER_HEARTBEAT_MS (the reply carries cancels, so a cancel reaches it within seconds). */
export const WORKER_HEARTBEAT_MS = 1000;
/** Without a heartbeat for this long a worker shows as `lost`. */
export const WORKER_LOST_MS = 15_000;

/** Where a run trains, as the runs list and the run page show it: `local`, or the worker's id; null before it starts. */
export type RunWhere = string | null;
