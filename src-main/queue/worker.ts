/**
 * The `ascl worker` process: a BullMQ Worker on the queue's jobs, each claimed from the coordinator
 * (which holds the store) and run in an engine worker thread (worker-train.ts, worker-task.ts), a
 * heartbeat that carries cancels back, --max-failures, and a watchdog that recreates a stuck Worker.
 * The event loop here only relays messages: compute runs in threads, so BullMQ's lock renewal is never
 * starved (its guide on stalled jobs) and a job is never taken twice while it runs.
 */
import os from 'node:os';
import crypto from 'node:crypto';
import { Queue, UnrecoverableError, WaitingError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { redisOptions, redactText, type BrokerUrl } from './broker-url.js';
import { BULL_PREFIX, JobDataSchema, bullQueueName, type HeartbeatReply, type WorkerHeartbeat, type WorkerHello } from './wire.js';
import type { CoordinatorClient } from './coordinator-client.js';
import { Reachability, RetryAborted, retry } from './retry.js';
import { Heartbeat } from './heartbeat.js';
import { Watchdog } from './watchdog.js';
import { FailureStreak } from './failure-streak.js';
import { startTrain } from './worker-train.js';
import { startTask } from './worker-task.js';
import type { JobContext, JobOutcome, RunningJob } from './worker-job.js';
import type { BackendChoice } from '../shared/options.js';
import type { EngineModules } from '../service/engine.js';
import { formatIssues } from '../shared/format-issues.js';

export interface WorkerOptions {
  broker: BrokerUrl;
  client: CoordinatorClient;
  queue: string;
  concurrency: number;
  backend: BackendChoice;
  gpu: string | null;
  maxFailures: number;
  dataDir: string | null;
  cacheDir: string;
  version: string;
  log: (line: string) => void;
  engineModules?: Partial<EngineModules>;
  /** Watchdog timing (tests shorten it). */
  watchdog?: { everyMs: number; stuckMs: number };
}

/** BullMQ's lock on a running job: renewed every lockDuration/2 by this (never blocked) event loop. */
const LOCK_MS = 60_000;

export class WorkerProcess {
  readonly id = `${os.hostname()}-${process.pid}-${crypto.randomBytes(3).toString('hex')}`;
  readonly reach: Reachability;
  /** Resolves with the exit code once the worker stopped (0: asked to stop; 1: --max-failures). */
  readonly finished: Promise<number>;
  private bull: Worker | null = null;
  private counter: Queue | null = null;
  private readonly jobs = new Map<string, RunningJob>();
  private active = 0;
  private state: 'running' | 'stopping' = 'running';
  private stoppedReason: string | null = null;
  private readonly streak: FailureStreak;
  private readonly heartbeat: Heartbeat;
  private readonly watchdog: Watchdog;
  private readonly ctx: JobContext;
  private resolveFinished!: (code: number) => void;
  private lastBullError = 0;

  constructor(private readonly o: WorkerOptions) {
    this.finished = new Promise((r) => { this.resolveFinished = r; });
    this.reach = new Reachability(o.log);
    this.streak = new FailureStreak(o.maxFailures);
    this.ctx = { client: o.client, reach: this.reach, workerId: this.id, cacheDir: o.cacheDir, dataDir: o.dataDir, backend: o.backend, engineModules: o.engineModules, log: o.log };
    this.heartbeat = new Heartbeat({ send: (h) => o.client.heartbeat(h), snapshot: () => this.snapshot(), onCancels: (r) => this.cancel(r), log: o.log });
    this.watchdog = new Watchdog({
      freeSlots: () => o.concurrency - this.active,
      waitingCount: () => this.counter?.getWaitingCount() ?? Promise.resolve(0),
      recreate: async () => this.recreate(), log: o.log, ...(o.watchdog ?? {}),
    });
  }

  get hello(): WorkerHello {
    return { workerId: this.id, host: os.hostname(), pid: process.pid, queue: this.o.queue, backend: this.o.backend, gpu: this.o.gpu,
      cores: os.availableParallelism(), concurrency: this.o.concurrency, version: this.o.version };
  }

  /** Says hello (retried while the coordinator is unreachable; a refused token throws), then takes jobs. */
  async start(): Promise<void> {
    await retry(() => this.o.client.hello(this.hello), { what: `POST /worker/hello (${this.o.client.base.origin})`, reach: this.reach, shouldStop: () => this.state !== 'running' });
    this.counter = new Queue(bullQueueName(this.o.queue), { connection: bullConnection(this.o.broker, 'fast'), prefix: BULL_PREFIX });
    this.counter.on('error', (err) => this.bullError('queue', err));
    this.bull = this.createBull(this.o.concurrency);
    this.heartbeat.start();
    void this.heartbeat.beat();
    this.watchdog.start();
    this.o.log(`ascl worker ${this.id}: taking jobs of queue "${this.o.queue}" (${bullQueueName(this.o.queue)}) on ${this.o.broker.redacted}, ${this.o.concurrency} at once`);
  }

  /** Stops taking jobs; `interrupt` also ends the running threads (their runs resume elsewhere). Idempotent. */
  async stop(reason: string, code: number, interrupt: boolean): Promise<void> {
    if (this.state === 'stopping') return;
    this.state = 'stopping';
    this.stoppedReason = reason;
    this.watchdog.stop();
    if (interrupt) await Promise.all([...this.jobs.values()].map((j) => j.terminate()));
    try {
      await this.bull?.close();
    } catch (err) {
      this.o.log(`ascl worker: closing the queue consumer: ${(err as Error).message}`);
    }
    await this.counter?.close().catch((err: unknown) => this.o.log(`ascl worker: closing the queue: ${(err as Error).message}`));
    // The last beat says `stopped` and why (the Workers view shows it).
    await this.heartbeat.beat();
    this.heartbeat.stop();
    this.resolveFinished(code);
  }

  private createBull(concurrency: number): Worker {
    const w = new Worker(bullQueueName(this.o.queue), (job, token) => this.process(job, token), {
      connection: bullConnection(this.o.broker, 'blocking'), prefix: BULL_PREFIX, concurrency,
      lockDuration: LOCK_MS, stalledInterval: 15_000, maxStalledCount: 5,
    });
    w.on('error', (err) => this.bullError('worker', err));
    return w;
  }

  private bullError(what: string, err: Error): void {
    // Redis down: every reconnect attempt errors; say it every few seconds, not every 100 ms.
    if (Date.now() - this.lastBullError < 5000) return;
    this.lastBullError = Date.now();
    this.o.log(`ascl worker: broker ${what}: ${redactText(err.message)} (reconnecting)`);
  }

  /** Watchdog: a new consumer for the free slots at once; the old one finishes its running jobs (their locks kept). */
  private async recreate(): Promise<void> {
    if (this.state !== 'running') return;
    const old = this.bull;
    const busy = this.active;
    const fresh = this.createBull(Math.max(1, this.o.concurrency - busy));
    this.bull = fresh;
    void old?.close().then(() => { if (this.bull === fresh) fresh.concurrency = this.o.concurrency; })
      .catch((err: unknown) => this.o.log(`ascl worker: closing the stuck consumer: ${(err as Error).message}`));
  }

  private async process(job: Job, token: string | undefined): Promise<unknown> {
    this.active++;
    const id = job.id ?? '?';
    try {
      const parsed = JobDataSchema.safeParse(job.data);
      if (!parsed.success) throw new UnrecoverableError(`ascl worker: job ${id} is not an ASCL job: ${formatIssues(parsed.error, job.data)}`);
      const data = parsed.data;
      if (this.state !== 'running') return await giveBack(job, token, this.o.log);
      let claim;
      try {
        claim = await retry(() => this.o.client.claim({ workerId: this.id, job: data }), { what: `POST /worker/claim (${id})`, reach: this.reach, shouldStop: () => this.state !== 'running' });
      } catch (err) {
        if (!(err instanceof RetryAborted)) this.ended(id, { outcome: 'failed', message: `claim refused: ${(err as Error).message}` });
        return await giveBack(job, token, this.o.log);
      }
      if (claim === 'stale') { this.o.log(`ascl worker: job ${id} is stale (the coordinator refused the claim); skipped`); return { outcome: 'stale' }; }
      if ((claim.kind === 'train') !== (data.kind === 'train')) throw new UnrecoverableError(`ascl worker: job ${id} is a ${data.kind} job, the claim answered ${claim.kind}`);
      const running = claim.kind === 'train' && data.kind === 'train' ? startTrain(this.ctx, job, data.runId, claim)
        : claim.kind === 'task' && data.kind === 'task' ? startTask(this.ctx, job, data.runId, data.taskId, claim) : null;
      if (running === null) throw new UnrecoverableError(`ascl worker: job ${id}: no runner`);
      this.jobs.set(id, running);
      this.o.log(`ascl worker: job ${id} started (${running.info.kind} of run ${data.runId})`);
      const r = await running.done;
      this.jobs.delete(id);
      this.ended(id, r);
      if (r.outcome === 'interrupted') return await giveBack(job, token, this.o.log);
      if (r.outcome === 'failed') throw new UnrecoverableError(r.message ?? 'failed');
      return { outcome: r.outcome };
    } finally {
      this.active--;
    }
  }

  private ended(id: string, r: JobOutcome): void {
    this.o.log(`ascl worker: job ${id} ended ${r.outcome}${r.message !== null ? `: ${r.message}` : ''}`);
    const reason = this.streak.record(id, r);
    if (reason !== null && this.state === 'running') {
      this.o.log(`ascl worker: stopping: ${reason}`);
      void this.stop(reason, 1, false);
    }
  }

  private cancel(r: HeartbeatReply): void {
    for (const [id, j] of this.jobs) {
      const hit = j.info.kind === 'train' ? r.cancelRuns.includes(j.info.runId) : j.info.taskId !== null && r.cancelTasks.includes(j.info.taskId);
      if (hit) { this.o.log(`ascl worker: job ${id} cancelled by the coordinator`); j.cancel(); }
    }
  }

  private snapshot(): WorkerHeartbeat {
    const problem = this.reach.problem;
    const state = this.stoppedReason !== null ? 'stopped' : problem !== null ? 'retrying' : this.jobs.size > 0 ? 'busy' : 'idle';
    const message = (this.stoppedReason ?? problem)?.slice(0, 2000) ?? null;
    return { workerId: this.id, state, message, jobs: [...this.jobs.values()].map((j) => ({ ...j.info })) };
  }
}

/** The broker's ioredis options for BullMQ: retry for ever, capped (broker-url.ts); ioredis 6 types retryStrategy nullable, BullMQ's copy does not. */
function bullConnection(b: BrokerUrl, kind: 'blocking' | 'fast'): ConnectionOptions {
  const { retryStrategy, ...rest } = redisOptions(b, kind);
  return { ...rest, retryStrategy: retryStrategy ?? undefined };
}

/** Puts a job back in `wait` at once (this worker is stopping): another worker claims it and resumes the run. */
async function giveBack(job: Job, token: string | undefined, log: (line: string) => void): Promise<never> {
  try {
    await job.moveToWait(token);
  } catch (err) {
    // Redis unreachable: the lock lapses and BullMQ's stalled-job check puts it back instead.
    log(`ascl worker: job ${job.id ?? '?'} not put back at once (${(err as Error).message}); the broker's stalled-job check will`);
  }
  throw new WaitingError();
}
