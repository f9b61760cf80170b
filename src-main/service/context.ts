/**
 * What the feature modules of the application service (./features/) share: the store, the event
 * hub, the run queue, this process's identity as a run owner, and the helpers every handler needs
 * (a run or a not-found answer, store errors as API errors).
 */
import type { BackendChoice } from '../shared/options.js';
import type { RunConfig } from '../shared/run-config.js';
import { ApiError } from '../api/dispatch.js';
import { StoreError, type Store } from '../store/store.js';
import type { Owner } from '../store/base.js';
import type { RunRecord } from '../store/rows.js';
import type { EventHub } from './events.js';
import type { RunQueue } from './run-queue.js';
import type { WorkerInfo } from '../shared/workers.js';
import type { TrainProgress } from './train-recorder.js';
import { localRunner, type JobRunner } from './job-runner.js';

/**
 * Distributed mode (queue/coordinator.ts): runs sent through a broker instead of this process's RunQueue.
 * Declared here so the service knows only this seam, not BullMQ.
 */
export interface RemoteDispatch {
  /** Redacted broker URL, for app:info. */
  readonly brokerUrl: string;
  queues(): string[];
  /** Adds the broker jobs of runs already marked remote in the store (createRun with a queue, markRemote). */
  enqueue(ids: string[]): void;
  /** Cancels a remote run: a waiting one now, a running one through its worker's next heartbeat. */
  cancel(id: string): void;
  progress(id: string): TrainProgress | null;
  workers(): WorkerInfo[];
  /** Runs a stored task's engine job on a remote worker (evaluations, analyses); absent: on this process's threads. */
  readonly runner?: JobRunner;
}

export interface ServiceContext {
  store: Store;
  events: EventHub;
  runs: RunQueue;
  owner: Owner;
  backend: BackendChoice;
  workers: number;
  log: (message: string) => void;
  /** Set where a broker is configured (`ascl serve --broker`, ASCL_BROKER): runs train on remote workers. */
  remote?: RemoteDispatch;
}

export function requireRun(ctx: ServiceContext, id: string): RunRecord {
  const r = ctx.store.getRun(id);
  if (!r) throw new ApiError('not-found', `no run ${JSON.stringify(id)} in ${ctx.store.dbPath}`);
  return r;
}

/** The run's stored configuration; a run whose config cannot be read is refused (never run with defaults in its place). */
export function requireConfig(r: RunRecord, where: string): RunConfig {
  if (r.damage) throw new ApiError('conflict', `${where}: ${r.damage}`);
  return r.config;
}

/** A store error as the API error a client can act on: conflicts stay conflicts, the rest is internal (with the store's message). */
export function toApiError(err: unknown): unknown {
  if (!(err instanceof StoreError)) return err;
  switch (err.code) {
    case 'conflict': case 'read-only': return new ApiError('conflict', err.message);
    case 'not-found': return new ApiError('not-found', err.message);
    default: return new ApiError('internal', err.message);
  }
}

/** Runs left running or queued by a process that is gone become `interrupted` (resumable); never throws (a full disk must not stop a listing). */
export function reconcile(ctx: ServiceContext): void {
  let ids: string[];
  try {
    // A coordinator's remote runs are its reconcile loop's (queue/reconcile.ts): never marked interrupted here.
    ids = ctx.store.reconcileInterrupted((r) => (ctx.remote !== undefined && r.queueName !== null) || ctx.runs.isOwnerAlive(r));
  } catch (err) {
    ctx.log(`reconcile: ${(err as Error).message}`);
    return;
  }
  for (const id of ids) ctx.events.emit('run:status', { id, status: 'interrupted', error: ctx.store.getRun(id)?.error ?? null });
}

/** The runner of a task's engine job: the remote one where a broker is configured, else this process's worker threads. */
export function jobRunner(ctx: ServiceContext): JobRunner {
  return ctx.remote?.runner ?? localRunner;
}
