/**
 * Distributed mode's coordinator (issue 10): `ascl serve --broker URL --token T` or the desktop app with
 * ASCL_BROKER. Runs started here are put `queued` in the store with their queue and added as BullMQ jobs
 * (job id = run + attempt); `ascl worker` processes take them, claim the run over the worker API and send
 * its records back; this process stays the only writer of the store. Live progress comes through
 * QueueEvents, epochs with their records; a reconcile loop (reconcile.ts) re-dispatches what a lost
 * worker or a restarted Redis dropped.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RemoteDispatch } from '../service/context.js';
import type { Store } from '../store/store.js';
import type { Owner } from '../store/base.js';
import type { EventHub } from '../service/events.js';
import { DEFAULT_QUEUE, type WorkerInfo } from '../shared/workers.js';
import type { TrainProgress } from '../service/train-recorder.js';
import { checkBroker, type BrokerUrl } from './broker-url.js';
import { BullQueues } from './bull.js';
import type { CoordinatorState } from './coordinator-state.js';
import { startReconcileLoop } from './reconcile.js';
import { cancelRemote } from './cancel.js';
import { handleWorkerRequest } from './worker-api.js';
import { RemoteTasks } from './remote-task.js';
import type { JobRunner } from '../service/job-runner.js';
import { trainJobId } from './wire.js';

export interface CoordinatorOptions {
  broker: BrokerUrl;
  /** The worker API's token (>= 16 characters); required even on loopback. */
  token: string;
  store: Store;
  events: EventHub;
  owner: Owner;
  keepCheckpoints: number;
  version: string;
  log: (message: string) => void;
}

const JOB_ID = /^(.+)-a(\d+)$/;

export class Coordinator implements RemoteDispatch {
  readonly brokerUrl: string;
  readonly runner: JobRunner;
  private readonly s: CoordinatorState;
  private readonly remoteTasks: RemoteTasks;
  private loop: { stop(): void; kick(): void } | null = null;

  constructor(private readonly o: CoordinatorOptions) {
    if (o.token.length < 16) throw new Error(`Coordinator: the worker API token must have at least 16 characters (got ${o.token.length}); pass --token`);
    this.brokerUrl = o.broker.redacted;
    const bull = new BullQueues(o.broker, (jobId, p) => this.onProgress(jobId, p), o.log);
    this.s = {
      store: o.store, events: o.events, owner: o.owner, token: o.token, keepCheckpoints: o.keepCheckpoints, version: o.version, bull, log: o.log,
      startedAt: Date.now(), cancels: new Map(), leaseSeq: new Map(), progress: new Map(), uploads: new Map(),
      tasks: { claim: () => { throw new Error('Coordinator: not started'); }, result: () => ({ applied: false }), reconcile: async () => {} },
    };
    this.remoteTasks = new RemoteTasks(this.s);
    this.s.tasks = this.remoteTasks;
    this.runner = this.remoteTasks;
  }

  /** Checks the broker (a bad URL or password is the caller's to fix), takes over the store's remote runs, starts the loop. */
  async start(): Promise<void> {
    await checkBroker(this.o.broker);
    const n = this.o.store.adoptRemoteRuns(this.o.owner);
    if (n > 0) this.o.log(`coordinator: ${n} remote run(s) of an earlier coordinator taken over; re-deriving their jobs`);
    this.loop = startReconcileLoop(this.s);
  }

  /** Before the service's own reconcile: remote runs stay this coordinator's. */
  adopt(): void { this.o.store.adoptRemoteRuns(this.o.owner); }

  queues(): string[] {
    return [...new Set([DEFAULT_QUEUE, ...this.s.bull.names(), ...this.o.store.remoteRuns().map((r) => r.queueName ?? DEFAULT_QUEUE)])].sort();
  }

  enqueue(ids: string[]): void {
    for (const id of ids) {
      const r = this.o.store.getRun(id);
      if (!r || r.queueName === null) continue;
      const jobId = trainJobId(r.id, r.attempt);
      // A failed add (Redis down) is not lost: the reconcile loop adds the job of every queued run without one.
      this.s.bull.add(r.queueName, jobId, { kind: 'train', runId: r.id, attempt: r.attempt })
        .catch((err: unknown) => this.o.log(`coordinator: run ${id}: ${(err as Error).message}; the reconcile loop adds it once the broker answers`));
    }
  }

  cancel(id: string): void {
    cancelRemote(this.s, id);
    this.loop?.kick();
  }

  progress(id: string): TrainProgress | null { return this.s.progress.get(id) ?? null; }

  workers(): WorkerInfo[] { return this.o.store.workerInfos(); }

  /** The transport's hook for /worker/* (transport/http.ts `routes`). */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    return handleWorkerRequest(this.s, req, res, url);
  }

  async close(): Promise<void> {
    this.loop?.stop();
    this.remoteTasks.close();
    await this.s.bull.close();
  }

  private onProgress(jobId: string, p: { epoch: number; step: number; stepInEpoch: number; stepsPerEpoch: number; loss: number; samplesPerSecond: number; etaSeconds: number | null }): void {
    const m = JOB_ID.exec(jobId);
    if (!m) return;
    const id = m[1];
    const r = this.o.store.getRun(id);
    // Progress of a superseded attempt (a worker that lost its lease) is not this run's now.
    if (!r || r.status !== 'running' || r.attempt !== Number(m[2])) return;
    this.s.progress.set(id, { epoch: p.epoch, step: p.step, stepInEpoch: p.stepInEpoch, stepsPerEpoch: p.stepsPerEpoch, etaSeconds: p.etaSeconds });
    this.s.events.emit('run:progress', { id, ...p });
  }
}
