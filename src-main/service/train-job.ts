/**
 * One training run on one worker thread, seen from the main thread: starts the worker, writes
 * what it posts to the store in order, and settles the run's status when the worker ends.
 *
 * Consistency under a kill at any moment: step rows are buffered and written in the same
 * transaction as the epoch row that follows them; the checkpoint row is written after the file is
 * durably on disk; on (re)start the worker reports the checkpoint it continues from and everything
 * recorded after it is dropped first (Store.truncateAfter). So a run loses at most the work since
 * its last checkpoint and never stores an epoch twice.
 */
import type { Worker } from 'node:worker_threads';
import type { BackendChoice, BackendName } from '../shared/options.js';
import { RunConflictError, StoreError, type Store } from '../store/store.js';
import type { EventHub } from './events.js';
import { assertNever, type FromWorker, type ToWorker, type TrainJob } from './protocol.js';
import { engineWorkerUrl, spawnEngineWorker } from '../engine/backend/worker-spawn.js';
import type { EngineModules } from './engine.js';
import { TrainRecorder, type TrainProgress } from './train-recorder.js';

export interface TrainJobContext {
  store: Store;
  events: EventHub;
  owner: { pid: number; host: string };
  backend: BackendChoice;
  keepCheckpoints: number;
  engineModules?: Partial<EngineModules>;
  log: (message: string) => void;
  onBackend?: (b: BackendName) => void;
  /** Cores the run's wasm backend may use (service/core-share.ts); absent: 1. */
  threads?: number;
}

export type { TrainProgress };

const FLUSH_MS = 2000;

export class TrainJobHandle {
  readonly done: Promise<void>;
  private worker: Worker | null = null;
  private readonly stopFlag = new Int32Array(new SharedArrayBuffer(4));
  private isSettled = false;
  private failure: string | null = null;
  private flushTimer: NodeJS.Timeout | null = null;
  private resolveDone!: () => void;
  private recorder!: TrainRecorder;

  get progress(): TrainProgress | null { return this.recorder?.progress ?? null; }

  /** Cores the run's wasm backend was given (service/core-share.ts). */
  get threads(): number { return this.ctx.threads ?? 1; }

  /** true once the run's final status is recorded (the thread may still be exiting). */
  get settled(): boolean { return this.isSettled; }

  constructor(readonly runId: string, private readonly ctx: TrainJobContext) {
    this.done = new Promise((res) => { this.resolveDone = res; });
  }

  start(): void {
    const { store, owner } = this.ctx;
    const run = store.requireRun(this.runId);
    if (run.damage) throw new StoreError(`train-job(${this.runId}): ${run.damage}`, 'corrupt-cell');
    const config = run.config; // migrated and validated by the store
    this.recorder = new TrainRecorder(this.runId, this.ctx, config.epochs);
    const job: TrainJob = {
      kind: 'train', runId: this.runId, config, backend: this.ctx.backend, home: store.home,
      resume: store.checkpoints(this.runId).map((c) => ({ epoch: c.epoch, file: c.file, sha256: c.sha256 })),
      threads: this.ctx.threads ?? 1, engineModules: this.ctx.engineModules,
    };
    // Conditional: only a run still queued and still ours starts (RunConflictError otherwise).
    store.startRun(this.runId, owner);
    this.ctx.events.emit('run:status', { id: this.runId, status: 'running', error: null });
    const worker = spawnEngineWorker(engineWorkerUrl('./train-worker', import.meta.url), { workerData: { job, stopFlag: this.stopFlag }, stdout: true });
    // Engine chatter (tfjs banners) must not mix with the CLI's JSON lines on stdout.
    worker.stdout.pipe(process.stderr);
    this.worker = worker;
    worker.on('message', (m: FromWorker) => {
      try { this.handle(m); } catch (err) { this.fail(`train-job(${this.runId}): ${(err as Error).message}`, statusForError(err)); }
    });
    worker.on('error', (err) => { this.failure ??= `worker error: ${err.message}`; });
    worker.on('exit', (code) => this.finish(code));
    // A timer callback must never throw: a failed flush (full disk) ends the run with the store's message.
    this.flushTimer = setInterval(() => {
      try { this.flushSteps(); } catch (err) { this.fail(`train-job(${this.runId}): ${(err as Error).message}`, statusForError(err)); }
    }, FLUSH_MS);
    this.flushTimer.unref();
  }

  /** Asks the run to stop after its current step (status `cancelled`). */
  stop(): void {
    Atomics.store(this.stopFlag, 0, 1);
    this.worker?.postMessage({ kind: 'stop' } satisfies ToWorker);
  }

  /** Ends the worker now (service shutdown): the run stays resumable as `interrupted`. */
  async terminate(reason: string): Promise<void> {
    if (this.isSettled) return;
    this.failure = null;
    this.settle('interrupted', reason);
    await this.worker?.terminate();
  }

  private handle(m: FromWorker): void {
    if (this.isSettled) return;
    switch (m.kind) {
      case 'started': case 'resumed': case 'dataset': case 'step': case 'epoch': case 'checkpoint': case 'selection': {
        const failure = this.recorder.apply(m);
        if (failure !== null) this.fail(failure);
        break;
      }
      case 'done':
        this.flushSteps();
        this.settle(m.status, null);
        break;
      case 'error':
        this.fail(m.message);
        break;
      case 'eval-progress':
      case 'eval-result':
      case 'eval-grid-result':
      case 'analysis-result':
      case 'examples-result':
        throw new Error(`unexpected ${m.kind} message from a training worker`);
      default:
        assertNever(m, `train-job(${this.runId})`);
    }
  }

  private flushSteps(force = false): void {
    if (this.isSettled && !force) return;
    this.recorder.flushSteps();
  }

  private fail(message: string, status: 'failed' | 'interrupted' = 'failed'): void {
    if (this.isSettled) return;
    this.failure = message;
    this.settle(status, message);
    void this.worker?.terminate();
  }

  private finish(code: number): void {
    if (this.flushTimer) clearInterval(this.flushTimer);
    if (!this.isSettled) this.settle('failed', this.failure ?? `the training worker exited with code ${code} before finishing`);
    this.resolveDone();
  }

  /**
   * Records how the run ended, once. Never throws (it runs in failure handlers and timers): when
   * the store cannot take the steps or the status (full disk), the run is reported `interrupted`
   * with the store's message; the stored row still says `running` with this process as owner, so
   * it reads as interrupted as soon as this process is gone, and resumes from its last checkpoint.
   */
  private settle(status: 'completed' | 'cancelled' | 'failed' | 'interrupted', error: string | null): void {
    if (this.isSettled) return;
    this.isSettled = true;
    if (this.flushTimer) clearInterval(this.flushTimer);
    try {
      this.flushSteps(true);
    } catch (err) {
      const message = `train-job(${this.runId}): ${(err as Error).message}`;
      if (status === 'completed' || status === 'cancelled') { status = statusForError(err); error = message; } else error = `${error ?? status}; ${message}`;
    }
    try {
      this.ctx.store.finishRun(this.runId, status, this.ctx.owner, error);
    } catch (err) {
      const message = (err as Error).message;
      this.ctx.log(`train-job(${this.runId}): could not record the run as ${status}: ${message}`);
      if (err instanceof RunConflictError) {
        // Another process owns the run now: its stored status is theirs; this process only reports that it stopped.
        this.ctx.events.emit('run:status', { id: this.runId, status, error: message });
        return;
      }
      if (status === 'completed' || status === 'cancelled') status = 'interrupted';
      error = `${error ? `${error}; ` : ''}the store could not record this: ${message}`;
    }
    this.ctx.events.emit('run:status', { id: this.runId, status, error });
  }
}

/** A store that cannot be written (full disk, I/O error, read-only) interrupts a run (it resumes once fixed); anything else fails it. */
function statusForError(err: unknown): 'failed' | 'interrupted' {
  return err instanceof StoreError && (err.code === 'disk-full' || err.code === 'io' || err.code === 'read-only' || err.code === 'busy') ? 'interrupted' : 'failed';
}
