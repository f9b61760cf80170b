/**
 * The coordinator's BullMQ side: one Queue (add, state, remove) and one QueueEvents (live progress) per
 * queue name. Every Queue call has a deadline and the Queue's connection fails fast while Redis is down
 * (no offline queue), so a reconcile tick can never wait for ever; both connections retry for ever (capped
 * at 1 s) and pick a restarted Redis up again by themselves.
 */
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { redisOptions, redactText, type BrokerUrl } from './broker-url.js';
import { BULL_PREFIX, CANCEL_REQUESTS_KEY, JobProgressSchema, bullQueueName, type JobData, type JobProgress } from './wire.js';

export const REDIS_CALL_MS = 3000;
/** Finished jobs kept in Redis for inspection; the store holds what matters. */
const KEEP = { count: 500 };

/** `p`, or a rejection naming `what` after `ms`. */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: no answer from Redis in ${ms} ms`)), ms); });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

export type JobStateName = 'completed' | 'failed' | 'active' | 'waiting' | 'delayed' | 'prioritized' | 'waiting-children' | 'unknown';

export class BullQueues {
  private readonly queues = new Map<string, Queue>();
  private readonly events = new Map<string, QueueEvents>();
  private plain: Redis | null = null;

  constructor(private readonly broker: BrokerUrl, private readonly onProgress: (jobId: string, p: JobProgress) => void, private readonly log: (m: string) => void) {}

  /** The queue names this coordinator has used. */
  names(): string[] { return [...this.queues.keys()].sort(); }

  private queue(name: string): Queue {
    let q = this.queues.get(name);
    if (q) return q;
    q = new Queue(bullQueueName(name), { connection: redisOptions(this.broker, 'fast'), prefix: BULL_PREFIX, skipWaitingForReady: true });
    q.on('error', (err: Error) => this.log(`broker: queue ${name}: ${redactText(err.message)}`));
    this.queues.set(name, q);
    const ev = new QueueEvents(bullQueueName(name), { connection: redisOptions(this.broker, 'blocking'), prefix: BULL_PREFIX });
    ev.on('error', (err: Error) => this.log(`broker: events of ${name}: ${redactText(err.message)}`));
    ev.on('progress', ({ jobId, data }: { jobId: string; data: unknown }) => {
      const p = JobProgressSchema.safeParse(data);
      if (p.success) this.onProgress(jobId, p.data);
    });
    this.events.set(name, ev);
    return q;
  }

  /** Adds a job; the same job id twice adds nothing (BullMQ keeps the first). */
  async add(name: string, jobId: string, data: JobData): Promise<void> {
    await withTimeout(this.queue(name).add(data.kind, data, { jobId, removeOnComplete: KEEP, removeOnFail: KEEP, attempts: 1 }), REDIS_CALL_MS, `broker: add ${jobId} to ${name}`);
  }

  async state(name: string, jobId: string): Promise<JobStateName> {
    return await withTimeout(this.queue(name).getJobState(jobId), REDIS_CALL_MS, `broker: state of ${jobId}`) as JobStateName;
  }

  /** Removes a job that no worker holds; false when it is active (locked) or gone. */
  async remove(name: string, jobId: string): Promise<boolean> {
    const q = this.queue(name);
    const job = await withTimeout(q.getJob(jobId), REDIS_CALL_MS, `broker: get ${jobId}`);
    if (!job) return false;
    try {
      await withTimeout(job.remove(), REDIS_CALL_MS, `broker: remove ${jobId}`);
      return true;
    } catch (err) {
      this.log(`broker: could not remove ${jobId} from ${name}: ${(err as Error).message}`);
      return false;
    }
  }

  /** A plain connection for the cancel requests (retries for ever, fails a command within REDIS_CALL_MS). */
  private redis(): Redis {
    if (this.plain) return this.plain;
    const b = this.broker;
    this.plain = new Redis({ host: b.host, port: b.port, db: b.db, ...(b.username !== null ? { username: b.username } : {}), ...(b.password !== null ? { password: b.password } : {}),
      ...(b.tls ? { tls: {} } : {}), maxRetriesPerRequest: 1, commandTimeout: REDIS_CALL_MS, retryStrategy: (times: number) => Math.min(100 * times, 1000) });
    this.plain.on('error', (err: Error) => this.log(`broker: ${redactText(err.message)}`));
    return this.plain;
  }

  /** Asks the coordinator to cancel a run (from another process). */
  async requestCancel(runId: string): Promise<void> {
    await withTimeout(this.redis().sadd(CANCEL_REQUESTS_KEY, runId), REDIS_CALL_MS, `broker: cancel request of ${runId}`);
  }

  /** The cancel requests waiting, taken out of Redis. */
  async takeCancelRequests(): Promise<string[]> {
    const got = await withTimeout(this.redis().spop(CANCEL_REQUESTS_KEY, 100), REDIS_CALL_MS, 'broker: cancel requests');
    return Array.isArray(got) ? got : [];
  }

  async close(): Promise<void> {
    const plain = this.plain;
    this.plain = null;
    plain?.disconnect();
    const all = [...this.events.values(), ...this.queues.values()];
    this.events.clear();
    this.queues.clear();
    await Promise.all(all.map((x) => withTimeout(x.close(), REDIS_CALL_MS, 'broker: close').catch((err: unknown) => this.log((err as Error).message))));
  }
}
