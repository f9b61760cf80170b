/**
 * Retrying a call to the coordinator while it is unreachable: exponential backoff (200 ms doubling,
 * capped at 5 s), for ever, because a worker's results must never be dropped (issue 10). What is
 * retried is said on stderr (at most every few seconds) and in the heartbeat's `retrying` state.
 */
import { CoordinatorError } from './coordinator-client.js';

export const RETRY_FIRST_MS = 200;
export const RETRY_CAP_MS = 5000;
const SAY_EVERY_MS = 5000;

/** The delay before retry number `attempt` (0-based). */
export function backoffMs(attempt: number, firstMs = RETRY_FIRST_MS, capMs = RETRY_CAP_MS): number {
  return Math.min(capMs, firstMs * 2 ** Math.min(attempt, 30));
}

/** Thrown by `retry` when `shouldStop` turned true (shutdown, lease lost): the call was given up on purpose. */
export class RetryAborted extends Error {
  override name = 'RetryAborted';
}

/** The calls now in their retry loop, for the heartbeat's state and message. */
export class Reachability {
  private readonly failing = new Map<number, string>();
  private next = 0;
  private lastSaid = 0;
  constructor(private readonly log: (line: string) => void, private readonly now: () => number = Date.now) {}

  /** The reason of the oldest failing call, or null while every call gets through. */
  get problem(): string | null {
    const first = this.failing.values().next();
    return first.done === true ? null : first.value;
  }

  begin(): number { return this.next++; }

  fail(id: number, what: string, err: Error, delayMs: number): void {
    const wasOk = this.failing.size === 0;
    const message = `the coordinator is unreachable (${what}: ${err.message}); retrying in ${(delayMs / 1000).toFixed(1)} s, results are kept`;
    this.failing.set(id, message);
    if (wasOk || this.now() - this.lastSaid >= SAY_EVERY_MS) {
      this.lastSaid = this.now();
      this.log(`ascl worker: ${message}`);
    }
  }

  end(id: number): void {
    const had = this.failing.delete(id);
    if (had && this.failing.size === 0) this.log('ascl worker: the coordinator is reachable again');
  }
}

export interface RetryOptions {
  what: string;
  reach: Reachability;
  shouldStop?: () => boolean;
  /** Test seams. */
  sleep?: (ms: number) => Promise<void>;
  firstMs?: number;
  capMs?: number;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((r) => { setTimeout(r, ms); });

/**
 * Calls `fn` until it succeeds or fails for good: a CoordinatorError that is `retryable` (unreachable,
 * a timeout, 5xx) is retried with backoff; anything else (401, 409, 400) is thrown to the caller at once.
 */
export async function retry<T>(fn: () => Promise<T>, o: RetryOptions): Promise<T> {
  const id = o.reach.begin();
  const sleep = o.sleep ?? defaultSleep;
  try {
    for (let attempt = 0; ; attempt++) {
      if (o.shouldStop?.() === true) throw new RetryAborted(`retry(${o.what}): given up (stopping)`);
      try {
        return await fn();
      } catch (err) {
        if (!(err instanceof CoordinatorError) || !err.retryable) throw err;
        const delay = backoffMs(attempt, o.firstMs, o.capMs);
        o.reach.fail(id, o.what, err, delay);
        await sleep(delay);
      }
    }
  } finally {
    o.reach.end(id);
  }
}
