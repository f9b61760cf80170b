/**
 * The service's scheduler: a FIFO of training runs and other worker tasks (evaluations), at most
 * `workers` at once (one worker thread each), plus the bookkeeping that lets several processes
 * share one store: which runs this process owns, heartbeats, and whether another owner is alive.
 */
import os from 'node:os';
import type { BackendChoice, BackendName } from '../shared/options.js';
import { RunConflictError, type Store } from '../store/store.js';
import type { RunRecord } from '../store/rows.js';
import type { EngineModules } from './engine.js';
import type { EventHub } from './events.js';
import { TrainJobHandle, type TrainProgress } from './train-job.js';
import { mayStart, parseThreadsSetting, threadsForRun, type CoreShare, type ThreadsSetting } from './core-share.js';

export const HEARTBEAT_MS = 5000;

/** Every open queue of this process: two services on one store in one process must not interrupt each other's runs. */
const openQueues = new Set<RunQueue>();

/** A task's `start` gets the cores it may use (its wasm threads: service/core-share.ts). */
type QueueItem = { kind: 'train'; runId: string } | { kind: 'task'; start: (threads: number) => Promise<void> };

export interface RunQueueOptions {
  workers: number;
  store: Store;
  events: EventHub;
  backend: BackendChoice;
  keepCheckpoints: number;
  engineModules?: Partial<EngineModules>;
  log: (message: string) => void;
  /** Cores per run on wasm (service/core-share.ts); default: ASCL_WASM_THREADS, else 'auto'. */
  threads?: ThreadsSetting;
}

export class RunQueue {
  readonly owner = { pid: process.pid, host: os.hostname() };
  lastBackend: BackendName | null = null;
  private readonly queue: QueueItem[] = [];
  /** Training jobs holding a worker (until their thread exits), and the live job of each run. */
  private readonly jobs = new Set<TrainJobHandle>();
  private readonly active = new Map<string, TrainJobHandle>();
  private activeTasks = 0;
  /** Cores held by running jobs (a run's wasm threads; 1 per task), and the share policy (service/core-share.ts). */
  private heldCores = 0;
  private readonly share: CoreShare;
  /** Whether this queue ever held a task (only then are unfinished task rows marked on close). */
  private hadTasks = false;
  private closed = false;
  private readonly heartbeat: NodeJS.Timeout;
  /** The last heartbeat failure logged (a full disk is reported once, not every 5 s). */
  private heartbeatError: string | null = null;

  constructor(private readonly o: RunQueueOptions) {
    this.share = { setting: o.threads ?? parseThreadsSetting(process.env.ASCL_WASM_THREADS), cores: os.availableParallelism(), workers: o.workers };
    this.heartbeat = setInterval(() => this.beat(), HEARTBEAT_MS);
    this.heartbeat.unref();
    openQueues.add(this);
  }

  /** The timer's work: never throws (a failed write is logged once; the runs' own writes report it to them). */
  private beat(): void {
    try {
      const beats = [...this.active.values()].filter((j) => !j.settled).map((j) => ({
        id: j.runId,
        progress: j.progress ? (j.progress.stepInEpoch + 1) / j.progress.stepsPerEpoch : undefined,
        etaSeconds: j.progress?.etaSeconds ?? null,
      })).concat(this.queuedRunIds().map((id) => ({ id, progress: undefined, etaSeconds: null })));
      if (beats.length && !this.o.store.readonly) this.o.store.heartbeat(beats, this.owner);
      if (this.heartbeatError !== null) this.o.log('heartbeat: the store is writable again');
      this.heartbeatError = null;
    } catch (err) {
      const message = (err as Error).message;
      if (message !== this.heartbeatError) this.o.log(`heartbeat: ${message}`);
      this.heartbeatError = message;
    }
  }

  /** A run queued or training in this process. */
  owns(id: string): boolean {
    return this.liveJob(id) !== undefined || this.queue.some((q) => q.kind === 'train' && q.runId === id);
  }

  /** Whether the process recorded as a run's owner is still there (same host: the pid; else a fresh heartbeat). */
  isOwnerAlive(r: RunRecord): boolean {
    if (r.ownerPid === null) return false;
    if (r.ownerHost !== this.owner.host) return r.heartbeatAt !== null && Date.now() - r.heartbeatAt < 12 * HEARTBEAT_MS;
    if (r.ownerPid === this.owner.pid) return [...openQueues].some((q) => q.owns(r.id));
    try { process.kill(r.ownerPid, 0); return true; } catch (err) { return (err as NodeJS.ErrnoException).code === 'EPERM'; }
  }

  progress(id: string): TrainProgress | null { return this.active.get(id)?.progress ?? null; }

  liveJob(id: string): TrainJobHandle | undefined {
    const j = this.active.get(id);
    return j && !j.settled ? j : undefined;
  }

  enqueueRuns(ids: string[]): void {
    for (const runId of ids) this.queue.push({ kind: 'train', runId });
    this.pump();
  }

  enqueueTask(start: (threads: number) => Promise<void>): void {
    this.hadTasks = true;
    this.queue.push({ kind: 'task', start });
    this.pump();
  }

  /** Takes a run out of the queue before it starts; false when it is not queued here. */
  removeQueued(id: string): boolean {
    const i = this.queue.findIndex((q) => q.kind === 'train' && q.runId === id);
    if (i < 0) return false;
    this.queue.splice(i, 1);
    return true;
  }

  /** Stops scheduling; queued runs and running ones are left `interrupted` (resumable). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    openQueues.delete(this);
    clearInterval(this.heartbeat);
    for (const id of this.queuedRunIds()) {
      this.record(() => this.o.store.transition(id, 'interrupted', { from: ['queued'], owner: this.owner, where: 'close',
        error: 'interrupted: the application closed before the run started; resume it to start' }));
    }
    this.queue.length = 0;
    if (this.hadTasks) this.record(() => this.o.store.interruptTasks(this.owner, 'interrupted: the application closed before the task finished; start it again'));
    await Promise.all([...this.jobs].map((j) => j.terminate('interrupted: the application closed; resume it to continue from its last checkpoint')));
  }

  /** A store write whose failure is logged, not thrown (closing, failure handlers). */
  private record(f: () => unknown): void {
    if (this.o.store.readonly || !this.o.store.isOpen) return;
    try { f(); } catch (err) { this.o.log((err as Error).message); }
  }

  private queuedRunIds(): string[] {
    return this.queue.flatMap((q) => (q.kind === 'train' ? [q.runId] : []));
  }

  private pump(): void {
    const { store, events } = this.o;
    while (!this.closed && this.jobs.size + this.activeTasks < this.o.workers && this.queue.length > 0 && mayStart(this.share, this.heldCores)) {
      const item = this.queue.shift()!;
      // The jobs starting together (this one and those queued behind it, up to the free worker slots) share
      // the cores no running job holds: a lone run or evaluation gets them all.
      const starting = Math.min(this.o.workers - this.jobs.size - this.activeTasks, 1 + this.queue.length);
      const threads = threadsForRun(this.share, this.heldCores, starting);
      if (item.kind === 'task') {
        this.activeTasks++;
        this.heldCores += threads;
        void item.start(threads).finally(() => { this.activeTasks--; this.heldCores -= threads; this.pump(); });
        continue;
      }
      const job = new TrainJobHandle(item.runId, {
        store, events, owner: this.owner, backend: this.o.backend, log: this.o.log, keepCheckpoints: this.o.keepCheckpoints,
        engineModules: this.o.engineModules, onBackend: (b) => { this.lastBackend = b; }, threads,
      });
      this.active.set(item.runId, job);
      this.jobs.add(job);
      this.heldCores += threads;
      const release = (): void => {
        if (!this.jobs.has(job)) return;
        this.heldCores -= threads;
        this.jobs.delete(job);
        if (this.active.get(item.runId) === job) this.active.delete(item.runId);
      };
      try {
        job.start();
      } catch (err) {
        release();
        const message = (err as Error).message;
        this.o.log(message);
        // Another process took the run meanwhile: it is theirs, nothing to record here.
        if (err instanceof RunConflictError) continue;
        this.record(() => store.finishRun(item.runId, 'failed', this.owner, message, 'run-queue'));
        events.emit('run:status', { id: item.runId, status: 'failed', error: message });
        continue;
      }
      void job.done.then(() => { release(); this.pump(); });
    }
  }
}
