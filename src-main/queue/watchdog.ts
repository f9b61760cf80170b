/**
 * Guards against a BullMQ Worker that stopped fetching: after Redis was killed and restarted empty,
 * a live worker with a free slot was seen (in an earlier implementation of this design) never to take
 * the re-enqueued jobs. Every few seconds: when this worker has a free slot and the queue has waiting
 * jobs, continuously for longer than `stuckMs`, it recreates the BullMQ Worker. The count is read on
 * a separate, non-blocking connection with a timeout, so the check itself can never hang.
 */

export interface WatchdogOptions {
  /** Free slots of this worker now. */
  freeSlots: () => number;
  /** Waiting jobs of the queue (may reject or time out: then this round is skipped). */
  waitingCount: () => Promise<number>;
  /** Closes and recreates the BullMQ Worker. */
  recreate: (why: string) => Promise<void>;
  log: (line: string) => void;
  everyMs?: number;
  stuckMs?: number;
  timeoutMs?: number;
  now?: () => number;
}

export class Watchdog {
  private timer: NodeJS.Timeout | null = null;
  private since: number | null = null;
  private busy = false;
  /** How often it recreated the Worker. */
  restarts = 0;

  constructor(private readonly o: WatchdogOptions) {}

  start(): void {
    this.timer ??= setInterval(() => { void this.check(); }, this.o.everyMs ?? 3000);
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** One round; never rejects (a timer callback). */
  async check(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    const now = this.o.now ?? Date.now;
    try {
      if (this.o.freeSlots() <= 0) { this.since = null; return; }
      const waiting = await withTimeout(this.o.waitingCount(), this.o.timeoutMs ?? 2000);
      if (waiting <= 0) { this.since = null; return; }
      this.since ??= now();
      const stuck = now() - this.since;
      if (stuck <= (this.o.stuckMs ?? 10_000)) return;
      const why = `${waiting} job(s) waiting and a free slot here for ${(stuck / 1000).toFixed(0)} s`;
      this.o.log(`ascl worker: the queue consumer looks stuck (${why}); recreating it`);
      this.since = null;
      this.restarts++;
      await this.o.recreate(why);
    } catch (err) {
      // Redis down or slow: nothing to judge this round; the connections retry on their own.
      this.since = null;
      this.o.log(`ascl worker: watchdog round skipped (${(err as Error).message})`);
    } finally {
      this.busy = false;
    }
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<never>((_, reject) => { t = setTimeout(() => reject(new Error(`no answer from Redis in ${ms} ms`)), ms); })])
    .finally(() => clearTimeout(t));
}
