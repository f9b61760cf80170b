/**
 * The coordinator's record rules (queue/remote-train.ts, claim.ts): only the lease holder writes, each epoch
 * is stored exactly once, a gap is refused, epochs_done never goes down, a redelivered claim supersedes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../../src-main/store/store.js';
import { EventHub } from '../../src-main/service/events.js';
import { parseRunConfig } from '../../src-main/shared/run-config.js';
import { ApiError } from '../../src-main/api/dispatch.js';
import type { CoordinatorState } from '../../src-main/queue/coordinator-state.js';
import type { BullQueues } from '../../src-main/queue/bull.js';
import { applyRecord } from '../../src-main/queue/remote-train.js';
import { claim } from '../../src-main/queue/claim.js';
import type { TrainRecord } from '../../src-main/queue/wire.js';

let dir: string;
let s: CoordinatorState;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ascl-records-'));
  const store = new Store(path.join(dir, 'ascl.db'));
  s = { store, events: new EventHub(), owner: { pid: process.pid, host: 'coord' }, token: 'x'.repeat(16), keepCheckpoints: 2, version: 't',
    bull: {} as BullQueues, log: () => {}, startedAt: Date.now(), cancels: new Map(), leaseSeq: new Map(), progress: new Map(), uploads: new Map(),
    tasks: { claim: () => { throw new Error('no tasks here'); }, result: () => ({ applied: false }), reconcile: async () => {} } };
});
afterEach(() => { s.store.close(); fs.rmSync(dir, { recursive: true, force: true }); });

const config = parseRunConfig({ dataset: 'synthetic', model: 'small-cnn', defense: 'nat', seed: 0, epochs: 4 });
const epochMsg = (epoch: number) => ({ kind: 'epoch', m: { epoch, natAccuracy: 0.5 + epoch / 100, pgdAccuracy: 0.1, trainAccuracy: 0.6, learningRate: 0.01, seconds: 1, terms: { loss: 1 / epoch, rdiv: Number.NaN } } });
const steps = (epoch: number) => [0, 1].map((i) => ({ kind: 'step' as const, time: 1000 + i, m: { epoch, step: (epoch - 1) * 2 + i, stepInEpoch: i, stepsPerEpoch: 2, loss: 1, terms: { ce: 1 }, learningRate: 0.01, samplesPerSecond: 10 } }));
const status = (f: () => unknown): number | 'ok' => {
  try { f(); return 'ok'; } catch (err) { if (err instanceof ApiError) return err.code === 'conflict' ? 409 : err.code === 'bad-request' ? 400 : 404; throw err; }
};

function started(): { runId: string; lease: string } {
  const r = s.store.createRun({ name: 'x', group: null, config, seed: 0, epochsTotal: 4, owner: s.owner, queueName: 'default' });
  const reply = claim(s, { workerId: 'A', job: { kind: 'train', runId: r.id, attempt: 1 } });
  return { runId: r.id, lease: reply.lease };
}
const rec = (runId: string, lease: string, seq: number, message: Record<string, unknown> & { kind: string }, st?: unknown[]): TrainRecord =>
  ({ runId, lease, seq, message, ...(st ? { steps: st as TrainRecord['steps'] } : {}) });

describe('coordinator records', () => {
  it('epochs 1, 2 applied; epoch 2 again (seq 3) -> applied false; epoch 4 after 2 (a gap) -> 409; epochs_done stays 2; 4 step rows of term ce', () => {
    const { runId, lease } = started();
    expect(applyRecord(s, rec(runId, lease, 0, { kind: 'resumed', epoch: 0, globalStep: 0, skipped: [] }))).toEqual({ applied: true });
    expect(applyRecord(s, rec(runId, lease, 1, epochMsg(1), steps(1)))).toEqual({ applied: true });
    expect(applyRecord(s, rec(runId, lease, 2, epochMsg(2), steps(2)))).toEqual({ applied: true });
    expect(applyRecord(s, rec(runId, lease, 3, epochMsg(2), steps(2)))).toEqual({ applied: false });
    expect(applyRecord(s, rec(runId, lease, 2, epochMsg(2)))).toEqual({ applied: false });
    expect(status(() => applyRecord(s, rec(runId, lease, 4, epochMsg(4))))).toBe(409);
    expect(s.store.requireRun(runId).epochsDone).toBe(2);
    expect(s.store.epochNumbers(runId)).toEqual([1, 2]);
    expect(s.store.stepCounts(runId, 'ce')).toEqual({ n: 4, d: 4, lo: 0, hi: 3 });
    // NaN terms (R-DIV before it is measured) survive as NaN-free JSON: loss is stored, rdiv is not a number.
    expect(s.store.epochs(runId)[1].terms.loss).toBe(0.5);
  });

  it('a second claim of attempt 1 by worker B (stall redelivery) supersedes A: A\'s records and a retried resumed get 409; B resumes and epoch 3 follows 2', () => {
    const { runId, lease: leaseA } = started();
    applyRecord(s, rec(runId, leaseA, 0, { kind: 'resumed', epoch: 0, globalStep: 0, skipped: [] }));
    applyRecord(s, rec(runId, leaseA, 1, epochMsg(1), steps(1)));
    applyRecord(s, rec(runId, leaseA, 2, epochMsg(2), steps(2)));
    const b = claim(s, { workerId: 'B', job: { kind: 'train', runId, attempt: 1 } });
    expect(b.lease).not.toBe(leaseA);
    expect(status(() => applyRecord(s, rec(runId, leaseA, 3, epochMsg(3))))).toBe(409);
    // B resumes from a checkpoint after epoch 2 (none uploaded here: it resumes from 2 with what is stored).
    expect(applyRecord(s, rec(runId, b.lease, 0, { kind: 'resumed', epoch: 2, globalStep: 4, skipped: [] }))).toEqual({ applied: true });
    expect(applyRecord(s, rec(runId, b.lease, 1, { kind: 'resumed', epoch: 0, globalStep: 0, skipped: [] }))).toEqual({ applied: false });
    expect(s.store.epochNumbers(runId)).toEqual([1, 2]);
    expect(applyRecord(s, rec(runId, b.lease, 2, epochMsg(3), steps(3)))).toEqual({ applied: true });
    expect(applyRecord(s, rec(runId, b.lease, 3, epochMsg(4), steps(4)))).toEqual({ applied: true });
    expect(applyRecord(s, rec(runId, b.lease, 4, { kind: 'done', status: 'completed', epochs: 4 }))).toEqual({ applied: true });
    expect(s.store.requireRun(runId)).toMatchObject({ status: 'completed', epochsDone: 4, workerId: 'B' });
    expect(s.store.epochNumbers(runId)).toEqual([1, 2, 3, 4]);
    // Settled once: a late record of B is 409; a claim of a completed run is 409.
    expect(status(() => applyRecord(s, rec(runId, b.lease, 5, { kind: 'done', status: 'completed', epochs: 4 })))).toBe(409);
    expect(status(() => claim(s, { workerId: 'C', job: { kind: 'train', runId, attempt: 1 } }))).toBe(409);
  });

  it('a claim of attempt 1 after the run was dispatched again as attempt 2 -> 409; a dataset fingerprint that differs from the recorded one fails the run quoting both', () => {
    const { runId, lease } = started();
    applyRecord(s, rec(runId, lease, 0, { kind: 'dataset', fingerprint: 'a'.repeat(64) }));
    expect(s.store.requeueRemote(runId, 1, s.owner, null)?.attempt).toBe(2);
    expect(status(() => claim(s, { workerId: 'B', job: { kind: 'train', runId, attempt: 1 } }))).toBe(409);
    const c = claim(s, { workerId: 'B', job: { kind: 'train', runId, attempt: 2 } });
    expect(c.datasetFingerprint).toBe('a'.repeat(64));
    applyRecord(s, rec(runId, c.lease, 0, { kind: 'dataset', fingerprint: 'b'.repeat(64) }));
    const r = s.store.requireRun(runId);
    expect(r.status).toBe('failed');
    expect(r.error).toContain('a'.repeat(64));
    expect(r.error).toContain('b'.repeat(64));
  });

  it('a checkpoint record without its upload -> 409; a bad message kind -> 400', () => {
    const { runId, lease } = started();
    expect(status(() => applyRecord(s, rec(runId, lease, 0, { kind: 'checkpoint', epoch: 1, globalStep: 2, file: 'x', size: 3, sha256: 'c'.repeat(64) })))).toBe(409);
    expect(status(() => applyRecord(s, rec(runId, lease, 0, { kind: 'nonsense' })))).toBe(400);
  });
});
