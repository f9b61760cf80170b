/**
 * The worker's heartbeat: every WORKER_HEARTBEAT_MS it tells the coordinator its state and jobs
 * (the Workers view) and gets back the runs and tasks cancelled in the UI, which it stops at once.
 * A timer callback must never throw: a failed beat is reported (the reachability shows it) and the
 * next one tries again; one beat at a time, never piling up while the coordinator is slow.
 */
import { WORKER_HEARTBEAT_MS } from '../shared/workers.js';
import type { HeartbeatReply, WorkerHeartbeat } from './wire.js';

export interface HeartbeatOptions {
  send: (h: WorkerHeartbeat) => Promise<HeartbeatReply>;
  /** The beat to send now (state, message, jobs). */
  snapshot: () => WorkerHeartbeat;
  onCancels: (r: HeartbeatReply) => void;
  log: (line: string) => void;
  intervalMs?: number;
}

const SAY_EVERY_MS = 10_000;

export class Heartbeat {
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private lastSaid = 0;
  /** Beats answered, beats that failed (for tests and logs). */
  sent = 0;
  failed = 0;

  constructor(private readonly o: HeartbeatOptions) {}

  start(): void {
    if (this.timer !== null) return;
    this.timer = setInterval(() => { void this.beat(); }, this.o.intervalMs ?? WORKER_HEARTBEAT_MS);
  }

  /** One beat now (also the last one before exit, with state `stopped`); resolves when answered or failed. Never rejects. */
  beat(): Promise<void> {
    if (this.inFlight !== null) return this.inFlight;
    this.inFlight = (async () => {
      try {
        const reply = await this.o.send(this.o.snapshot());
        this.sent++;
        if (reply.cancelRuns.length > 0 || reply.cancelTasks.length > 0) this.o.onCancels(reply);
      } catch (err) {
        this.failed++;
        if (Date.now() - this.lastSaid >= SAY_EVERY_MS) {
          this.lastSaid = Date.now();
          this.o.log(`ascl worker: heartbeat not answered (${(err as Error).message}); trying again every ${((this.o.intervalMs ?? WORKER_HEARTBEAT_MS) / 1000).toFixed(0)} s`);
        }
      } finally {
        this.inFlight = null;
      }
    })();
    return this.inFlight;
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }
}
