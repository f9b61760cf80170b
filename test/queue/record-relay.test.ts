/** The worker's record relay (src-main/queue/record-relay.ts) against a local fake coordinator. */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CoordinatorClient } from '../../src-main/queue/coordinator-client.js';
import { RecordRelay, type TrainMessage } from '../../src-main/queue/record-relay.js';
import { Reachability, backoffMs } from '../../src-main/queue/retry.js';
import { checkpointRelPath } from '../../src-main/store/paths.js';
import { startFakeCoordinator, type FakeCoordinator, type Received, type Reply } from './fake-coordinator.js';

const ok: Reply = { status: 200, body: { ok: true, applied: true } };
const step = (epoch: number, s: number): TrainMessage =>
  ({ kind: 'step', time: 1000 + s, m: { epoch, step: s, stepInEpoch: s % 3, stepsPerEpoch: 3, loss: 1 / (s + 1), learningRate: 0.1, samplesPerSecond: 5, terms: { rdiv: Number.NaN } } }) as unknown as TrainMessage;
const epoch = (e: number): TrainMessage => ({ kind: 'epoch', m: { epoch: e, natAccuracy: 0.5, terms: { rdiv: Number.NaN } } }) as unknown as TrainMessage;

let fake: FakeCoordinator | null = null;
afterEach(async () => { await fake?.close(); fake = null; });

function relayFor(f: FakeCoordinator, o: { home?: string; onLeaseLost?: (w: string) => void } = {}): { relay: RecordRelay; delays: number[]; logs: string[] } {
  const delays: number[] = [];
  const logs: string[] = [];
  const relay = new RecordRelay({
    client: new CoordinatorClient(f.url, 'secret-token'), reach: new Reachability((l) => logs.push(l)),
    runId: 'r1', lease: 'L1', home: o.home ?? os.tmpdir(),
    onLeaseLost: o.onLeaseLost ?? (() => {}), onFatal: (e) => { throw e; },
    sleep: async (ms) => { delays.push(ms); },
  });
  return { relay, delays, logs };
}

const records = (f: FakeCoordinator): Array<{ seq: number; kind: string; steps: number }> =>
  f.received.filter((r) => r.route === '/worker/record').map((r) => {
    const b = r.body as { seq: number; message: { kind: string }; steps?: unknown[] };
    return { seq: b.seq, kind: b.message.kind, steps: b.steps?.length ?? 0 };
  });

describe('RecordRelay', () => {
  it('sends records in order with seq 0..5, steps riding with the epoch (3) and with done (1), the token on each', async () => {
    fake = await startFakeCoordinator(() => ok);
    const { relay } = relayFor(fake);
    const msgs: TrainMessage[] = [{ kind: 'started', backend: 'wasm', device: null }, { kind: 'resumed', epoch: 0, globalStep: 0, skipped: [] },
      { kind: 'dataset', fingerprint: 'f'.repeat(64) }, step(1, 0), step(1, 1), step(1, 2), epoch(1), step(2, 3), { kind: 'done', status: 'cancelled', epochs: 1 }];
    for (const m of msgs) relay.push(m);
    await relay.drained();
    expect(records(fake)).toEqual([
      { seq: 0, kind: 'started', steps: 0 }, { seq: 1, kind: 'resumed', steps: 0 }, { seq: 2, kind: 'dataset', steps: 0 },
      { seq: 3, kind: 'epoch', steps: 3 }, { seq: 4, kind: 'done', steps: 1 }]);
    expect(fake.received.every((r) => r.auth === 'Bearer secret-token')).toBe(true);
    // NaN survives the wire (wire-json.ts), as the local store keeps it.
    const ep = fake.received[3].body as { message: { m: { terms: { rdiv: number } } } };
    expect(Number.isNaN(ep.message.m.terms.rdiv)).toBe(true);
    expect(relay.delivered).toBe(5);
  });

  it('retries while the coordinator fails (2 dropped connections, then 3 x HTTP 503) with backoff 200, 400, 800, 1600, 3200 ms, and loses nothing', async () => {
    let failures = 0;
    fake = await startFakeCoordinator((r: Received) => {
      if (r.route === '/worker/record' && failures < 5) { failures++; return failures <= 2 ? 'drop' : { status: 503, body: { error: { code: 'internal', message: 'busy' } } }; }
      return ok;
    });
    const { relay, delays, logs } = relayFor(fake);
    relay.push({ kind: 'started', backend: 'wasm', device: null });
    relay.push(epoch(1));
    relay.push({ kind: 'done', status: 'completed', epochs: 1 });
    await relay.drained();
    expect(delays).toEqual([200, 400, 800, 1600, 3200]);
    expect(fake.dropped).toBe(2);
    expect(records(fake).map((r) => r.seq)).toEqual([0, 0, 0, 0, 1, 2]);
    expect(logs[0]).toMatch(/the coordinator is unreachable \(POST \/worker\/record \(run r1, started, seq 0\): .*\); retrying in 0\.2 s/);
    expect(logs[logs.length - 1]).toBe('ascl worker: the coordinator is reachable again');
  });

  it('caps the backoff at 5 s (attempt 5 -> 5000, attempt 40 -> 5000)', () => {
    expect([0, 1, 4, 5, 40].map((a) => backoffMs(a))).toEqual([200, 400, 3200, 5000, 5000]);
  });

  it('stops at a 409 on seq 1 (lease lost): onLeaseLost called once, nothing after it is sent', async () => {
    fake = await startFakeCoordinator((r) => ((r.body as { seq?: number } | null)?.seq === 1 ? { status: 409, body: { error: { code: 'conflict', message: 'lease L1 is not current' } } } : ok));
    const lost: string[] = [];
    const { relay } = relayFor(fake, { onLeaseLost: (w) => lost.push(w) });
    relay.push({ kind: 'started', backend: 'wasm', device: null });
    relay.push(epoch(1));
    relay.push(epoch(2));
    relay.push({ kind: 'done', status: 'completed', epochs: 2 });
    await relay.drained();
    expect(records(fake).map((r) => r.seq)).toEqual([0, 1]);
    expect(lost).toHaveLength(1);
    expect(lost[0]).toMatch(/409 on record 1, epoch/);
    expect(relay.leaseLost).toBe(lost[0]);
  });

  it('uploads a checkpoint (PUT, failing twice with 503) before sending its record, with the bytes and SHA-256 of the file, then drops the local copy', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'relay-'));
    const file = checkpointRelPath('r1', 2);
    fs.mkdirSync(path.dirname(path.join(home, file)), { recursive: true });
    const bytes = crypto.randomBytes(4096);
    fs.writeFileSync(path.join(home, file), bytes);
    const sha = crypto.createHash('sha256').update(bytes).digest('hex');
    let puts = 0;
    fake = await startFakeCoordinator((r) => (r.method === 'PUT' ? (++puts <= 2 ? { status: 503, body: {} } : { status: 200, body: { ok: true } }) : ok));
    const { relay } = relayFor(fake, { home });
    relay.push(epoch(2));
    relay.push({ kind: 'checkpoint', epoch: 2, globalStep: 6, file, size: bytes.length, sha256: sha });
    relay.push({ kind: 'done', status: 'completed', epochs: 2 });
    await relay.drained();
    const order = fake.received.map((r) => `${r.method} ${r.route}${r.route === '/worker/record' ? ` ${(r.body as { message: { kind: string } }).message.kind}` : ''}`);
    expect(order).toEqual(['POST /worker/record epoch', 'PUT /worker/checkpoint', 'PUT /worker/checkpoint', 'PUT /worker/checkpoint',
      'POST /worker/record checkpoint', 'POST /worker/record done']);
    const put = fake.received[3];
    expect(put.bytes.equals(bytes)).toBe(true);
    expect(Object.fromEntries(put.query)).toEqual({ runId: 'r1', lease: 'L1', epoch: '2', globalStep: '6', sha256: sha });
    expect(fs.existsSync(path.join(home, file))).toBe(false);
    fs.rmSync(home, { recursive: true, force: true });
  });
});
