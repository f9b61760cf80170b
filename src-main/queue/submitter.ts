/**
 * A process that puts runs on a coordinator's queue without being the coordinator (issue 10): `ascl train
 * --broker URL` and `ascl study run --broker URL` on the coordinator's store. The run is created in the store
 * with its queue (the service's runs:start, as the coordinator does it) and its BullMQ job is added here at
 * once (same job id as the coordinator's: adding it twice is harmless; the coordinator's reconcile loop would
 * add it within seconds anyway). The coordinator stays the only writer of the run's records; this process
 * only watches them: the store is polled for epochs and the status, and the job's progress comes through
 * QueueEvents, and both are emitted on this service's event hub, so `followRun` and the study runner follow
 * a remote run as they follow a local one.
 */
import type { RemoteDispatch } from '../service/context.js';
import type { EventHub } from '../service/events.js';
import { localRunner, type JobRunner } from '../service/job-runner.js';
import type { TrainProgress } from '../service/train-recorder.js';
import type { RunStatus } from '../shared/channels.js';
import { DEFAULT_QUEUE, type WorkerInfo } from '../shared/workers.js';
import type { Store } from '../store/store.js';
import type { BrokerUrl } from './broker-url.js';
import { BullQueues } from './bull.js';
import { trainJobId, type JobProgress } from './wire.js';

/** How often the store is read for the watched runs' epochs and status (the coordinator writes them). */
export const SUBMITTER_POLL_MS = 500;
const JOB_ID = /^(.+)-a(\d+)$/;
/** A run still queued this long gets one hint: nothing dispatches or takes it unless a coordinator and a worker of its queue are up. */
export const QUEUED_HINT_MS = 30_000;

interface Watched { status: RunStatus; epochs: number; queue: string; since: number; hinted: boolean }

export class Submitter implements RemoteDispatch {
  readonly brokerUrl: string;
  /** A submitting process's evaluations (a study's) run on its own worker threads, on the checkpoints the coordinator stored. */
  readonly runner: JobRunner = localRunner;
  private readonly bull: BullQueues;
  private readonly watched = new Map<string, Watched>();
  private readonly live = new Map<string, TrainProgress>();
  private readonly timer: NodeJS.Timeout;
  private lastError: string | null = null;

  constructor(private readonly o: { broker: BrokerUrl; store: Store; events: EventHub; log: (m: string) => void }) {
    this.brokerUrl = o.broker.redacted;
    this.bull = new BullQueues(o.broker, (jobId, p) => this.onProgress(jobId, p), o.log);
    this.timer = setInterval(() => this.poll(), SUBMITTER_POLL_MS);
  }

  queues(): string[] {
    return [...new Set([DEFAULT_QUEUE, ...this.bull.names()])].sort();
  }

  enqueue(ids: string[]): void {
    for (const id of ids) {
      const r = this.o.store.getRun(id);
      if (!r || r.queueName === null) continue;
      this.watched.set(id, { status: r.status, epochs: this.o.store.epochs(id).length, queue: r.queueName, since: Date.now(), hinted: false });
      // A failed add (Redis down) is not lost: the coordinator's reconcile loop adds the job of every queued run.
      this.bull.add(r.queueName, trainJobId(r.id, r.attempt), { kind: 'train', runId: r.id, attempt: r.attempt })
        .catch((err: unknown) => this.o.log(`ascl: run ${id}: ${(err as Error).message}; the coordinator adds its job once the broker answers`));
    }
  }

  /**
   * A queued run is cancelled here (one conditional transition, then its job removed). A running one is held
   * by a worker of the coordinator, whose heartbeats only the coordinator answers: this process stops
   * following it and says so (the local event ends `followRun`); the run goes on.
   */
  cancel(id: string): void {
    const r = this.o.store.getRun(id);
    if (!r || r.queueName === null) return;
    if (r.status === 'queued') {
      try {
        this.o.store.transition(id, 'cancelled', { from: ['queued'], where: 'runs:cancel' });
        this.bull.remove(r.queueName, trainJobId(r.id, r.attempt)).catch((err: unknown) => this.o.log(`ascl: cancel ${id}: ${(err as Error).message}`));
        this.settle(id, 'cancelled', null);
        return;
      } catch (err) {
        this.o.log(`ascl: cancel ${id}: ${(err as Error).message}`);
      }
    }
    const now = this.o.store.getRun(id);
    if (now && now.status === 'running') {
      this.settle(id, 'interrupted', `no longer followed here: run ${id} goes on on worker ${now.workerId ?? '?'} for the coordinator; ` +
        `cancel it there (its UI, or the API's runs:cancel); \`ascl runs --db ${this.o.store.dbPath}\` shows it`);
    }
  }

  progress(id: string): TrainProgress | null { return this.live.get(id) ?? null; }

  workers(): WorkerInfo[] { return this.o.store.workerInfos(); }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.bull.close();
  }

  private settle(id: string, status: RunStatus, error: string | null): void {
    this.watched.delete(id);
    this.live.delete(id);
    this.o.events.emit('run:status', { id, status, error });
  }

  /** Never throws (a timer): a failing read is logged once and tried again on the next tick. */
  private poll(): void {
    try {
      for (const [id, w] of [...this.watched]) {
        const r = this.o.store.getRun(id);
        if (!r) { this.settle(id, 'failed', `run ${id} was deleted from ${this.o.store.dbPath}`); continue; }
        if (r.epochsDone > w.epochs) {
          const rows = this.o.store.epochs(id).slice(w.epochs);
          w.epochs += rows.length;
          for (const row of rows) this.o.events.emit('run:epoch', { id, row });
        }
        if (r.status === 'queued' && !w.hinted && Date.now() - w.since >= QUEUED_HINT_MS) {
          w.hinted = true;
          this.o.log(`ascl: run ${id} is still queued after ${QUEUED_HINT_MS / 1000} s: it is dispatched by \`ascl serve --broker\` serving ${this.o.store.dbPath} ` +
            `and trained by an \`ascl worker --queue ${w.queue}\`; is each of them running? (\`ascl workers --db ${this.o.store.dbPath}\` lists the workers)`);
        }
        if (r.status === w.status) continue;
        w.status = r.status;
        if (r.status === 'queued' || r.status === 'running') this.o.events.emit('run:status', { id, status: r.status, error: r.error });
        else this.settle(id, r.status, r.error);
      }
      if (this.lastError !== null) this.o.log('ascl: the store reads again');
      this.lastError = null;
    } catch (err) {
      const message = (err as Error).message;
      if (message !== this.lastError) this.o.log(`ascl: following the runs: ${message}; trying again every ${SUBMITTER_POLL_MS} ms`);
      this.lastError = message;
    }
  }

  private onProgress(jobId: string, p: JobProgress): void {
    const m = JOB_ID.exec(jobId);
    if (!m || !this.watched.has(m[1])) return;
    const id = m[1];
    let r;
    try { r = this.o.store.getRun(id); } catch (err) { this.o.log(`ascl: progress of run ${id}: ${(err as Error).message}`); return; }
    // Progress of a superseded attempt (a worker that lost its lease) is not this run's now.
    if (!r || r.status !== 'running' || r.attempt !== Number(m[2])) return;
    this.live.set(id, { epoch: p.epoch, step: p.step, stepInEpoch: p.stepInEpoch, stepsPerEpoch: p.stepsPerEpoch, etaSeconds: p.etaSeconds });
    this.o.events.emit('run:progress', { id, ...p });
  }
}
