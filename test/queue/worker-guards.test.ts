/** The worker's guards: --max-failures (failure-streak.ts), the heartbeat that never throws, the watchdog of a stuck consumer. */
import { describe, expect, it } from 'vitest';
import { FailureStreak } from '../../src-main/queue/failure-streak.js';
import { Heartbeat } from '../../src-main/queue/heartbeat.js';
import { Watchdog } from '../../src-main/queue/watchdog.js';
import type { HeartbeatReply, WorkerHeartbeat } from '../../src-main/queue/wire.js';

const failed = (m: string) => ({ outcome: 'failed' as const, message: m });

describe('FailureStreak (--max-failures)', () => {
  it('max 3: stops at the 3rd failure in a row, naming the count, the flag and the last reasons', () => {
    const s = new FailureStreak(3);
    expect(s.record('a', failed('no GPU'))).toBeNull();
    expect(s.record('b', failed('no GPU'))).toBeNull();
    const why = s.record('c', failed('CUDA_ERROR_NO_DEVICE'));
    expect(why).toMatch(/^3 jobs failed in a row \(--max-failures 3\); this worker takes no more jobs\. Last: a: no GPU \| b: no GPU \| c: CUDA_ERROR_NO_DEVICE$/);
  });

  it('max 2: a completed job resets the streak; cancelled, stale, lease-lost and interrupted neither count nor reset', () => {
    const s = new FailureStreak(2);
    expect(s.record('a', failed('x'))).toBeNull();
    expect(s.record('b', { outcome: 'completed', message: null })).toBeNull();
    expect(s.record('c', failed('y'))).toBeNull();
    for (const outcome of ['cancelled', 'stale', 'lease-lost', 'interrupted'] as const) expect(s.record(outcome, { outcome, message: null })).toBeNull();
    expect(s.failures).toBe(1);
    expect(s.record('d', failed('z'))).toMatch(/^2 jobs failed in a row \(--max-failures 2\).*c: y \| d: z$/);
  });

  it('refuses max 0', () => {
    expect(() => new FailureStreak(0)).toThrow(/FailureStreak: max must be an integer >= 1 \(got 0\)/);
  });
});

describe('Heartbeat', () => {
  const snap: WorkerHeartbeat = { workerId: 'w', state: 'idle', message: null, jobs: [] };

  it('a beat whose send rejects resolves (never throws), counts 1 failure and says so once', async () => {
    const logs: string[] = [];
    const hb = new Heartbeat({ send: () => Promise.reject(new Error('ECONNREFUSED')), snapshot: () => snap, onCancels: () => {}, log: (l) => logs.push(l) });
    await hb.beat();
    await hb.beat();
    expect([hb.sent, hb.failed]).toEqual([0, 2]);
    expect(logs).toEqual(['ascl worker: heartbeat not answered (ECONNREFUSED); trying again every 1 s']);
  });

  it('passes the reply\'s cancels (runs r1, task 7) on; an empty reply calls nothing', async () => {
    const seen: HeartbeatReply[] = [];
    let reply: HeartbeatReply = { cancelRuns: ['r1'], cancelTasks: [7] };
    const hb = new Heartbeat({ send: async () => reply, snapshot: () => snap, onCancels: (r) => seen.push(r), log: () => {} });
    await hb.beat();
    reply = { cancelRuns: [], cancelTasks: [] };
    await hb.beat();
    expect(seen).toEqual([{ cancelRuns: ['r1'], cancelTasks: [7] }]);
    expect(hb.sent).toBe(2);
  });
});

describe('Watchdog', () => {
  it('recreates the consumer once a free slot and 2 waiting jobs last longer than stuckMs 10000 (not at 0 or 10000 ms)', async () => {
    let t = 0;
    const why: string[] = [];
    const w = new Watchdog({ freeSlots: () => 1, waitingCount: async () => 2, recreate: async (y) => { why.push(y); }, log: () => {}, stuckMs: 10_000, now: () => t });
    await w.check();
    t = 10_000;
    await w.check();
    expect(w.restarts).toBe(0);
    t = 10_001;
    await w.check();
    expect(w.restarts).toBe(1);
    expect(why[0]).toBe('2 job(s) waiting and a free slot here for 10 s');
  });

  it('does nothing with no free slot, with an empty queue, or when the count times out (50 ms), and never rejects', async () => {
    let t = 0;
    let slots = 0;
    let waiting: () => Promise<number> = async () => 3;
    const logs: string[] = [];
    const w = new Watchdog({ freeSlots: () => slots, waitingCount: () => waiting(), recreate: async () => {}, log: (l) => logs.push(l), stuckMs: 10, timeoutMs: 50, now: () => t });
    for (t = 0; t < 100; t += 20) await w.check();
    slots = 1;
    waiting = async () => 0;
    for (t = 100; t < 200; t += 20) await w.check();
    waiting = () => new Promise<number>(() => {});
    for (t = 200; t < 300; t += 20) await w.check();
    expect(w.restarts).toBe(0);
    expect(logs.at(-1)).toBe('ascl worker: watchdog round skipped (no answer from Redis in 50 ms)');
  });
});
