/**
 * The real `ascl worker` process against a real redis-server and a fake coordinator (test/queue/fake-coordinator.ts):
 * --max-failures stops taking jobs and exits 1 with the reason (also in its last heartbeat, state `stopped`), and a
 * cancel in a heartbeat's reply stops a training run, which ends `cancelled`.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT } from '../cli/cli-helpers.js';
import { startRedisProc, type RedisProc } from './redis-proc.js';
import { startFakeCoordinator, type FakeCoordinator, type Received, type Reply } from '../queue/fake-coordinator.js';
import { BULL_PREFIX, bullQueueName, trainJobId } from '../../src-main/queue/wire.js';
import { parseRunConfig } from '../../src-main/shared/run-config.js';
import { toStoredConfig } from '../../src-main/shared/config-migrations.js';

let redis: RedisProc;
const dirs: string[] = [];
beforeAll(async () => { redis = await startRedisProc(); }, 30_000);
afterAll(async () => { await redis?.stop(); for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }); });

const ok: Reply = { status: 200, body: { ok: true, applied: true } };

/** A coordinator that hands out train claims with `config` and lets `onHeartbeat` answer the beats. */
function coordinator(config: unknown, onHeartbeat: (r: Received) => Reply = () => ({ status: 200, body: { cancelRuns: [], cancelTasks: [] } })): Promise<FakeCoordinator> {
  let lease = 0;
  return startFakeCoordinator((r) => {
    if (r.route === '/worker/hello') return { status: 200, body: { ok: true, coordinator: { version: 'test' } } };
    if (r.route === '/worker/heartbeat') return onHeartbeat(r);
    if (r.route === '/worker/claim') return { status: 200, body: { kind: 'train', lease: `L${++lease}`, config, checkpoint: null, datasetFingerprint: null, keepCheckpoints: 2 } };
    if (r.route === '/worker/checkpoint') return { status: 200, body: { ok: true } };
    return ok;
  });
}

async function enqueue(queue: string, runIds: string[]): Promise<Queue> {
  const q = new Queue(bullQueueName(queue), { connection: { host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: null }, prefix: BULL_PREFIX });
  for (const id of runIds) await q.add('train', { kind: 'train', runId: id, attempt: 1 }, { jobId: trainJobId(id, 1) });
  return q;
}

function startWorker(queue: string, fake: FakeCoordinator, extra: string[] = []) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ascl-worker-'));
  dirs.push(home);
  const child = spawn(process.execPath, [BIN, 'worker', '--broker', `redis://127.0.0.1:${redis.port}`, '--coordinator', fake.url, '--token', 'tok',
    '--queue', queue, '--concurrency', '1', '--backend', 'wasm', ...extra], { cwd: ROOT, env: { ...process.env, ASCL_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, exited, stderr: () => stderr };
}

const recordsOf = (fake: FakeCoordinator, runId: string) => fake.received
  .filter((r) => r.route === '/worker/record' && (r.body as { runId: string }).runId === runId)
  .map((r) => r.body as { seq: number; lease: string; message: { kind: string; status?: string; message?: string } });

describe('ascl worker with a fake coordinator', () => {
  it('--max-failures 2: two jobs failing in a row (a configuration with epochs 0) stop it: exit 1 with the reason, last heartbeat `stopped`, the 3rd job left waiting', async () => {
    const fake = await coordinator({ dataset: 'synthetic', epochs: 0 });
    const q = await enqueue('mf', ['bad1', 'bad2', 'bad3']);
    const w = startWorker('mf', fake, ['--max-failures', '2']);
    const code = await w.exited;
    expect(code, w.stderr()).toBe(1);
    expect(w.stderr()).toMatch(/stopping: 2 jobs failed in a row \(--max-failures 2\); this worker takes no more jobs\. Last: bad1-a1: .*epochs.* \| bad2-a1: .*epochs/);
    // Each failed run's error reached the coordinator as its record.
    for (const id of ['bad1', 'bad2']) expect(recordsOf(fake, id).map((r) => r.message.kind)).toEqual(['error']);
    expect(recordsOf(fake, 'bad3')).toEqual([]);
    const beats = fake.received.filter((r) => r.route === '/worker/heartbeat').map((r) => r.body as { state: string; message: string | null });
    expect(beats.at(-1)?.state).toBe('stopped');
    expect(beats.at(-1)?.message).toMatch(/^2 jobs failed in a row \(--max-failures 2\)/);
    expect(await q.getWaitingCount()).toBe(1);
    await q.close();
    await fake.close();
  }, 120_000);

  it('a cancel for run c1 in a heartbeat reply (sent after its 1st epoch record) ends it `cancelled` before epoch 30', async () => {
    const config = toStoredConfig(parseRunConfig({ dataset: 'synthetic', model: 'small-cnn', defense: 'nat', epochs: 30, limit: 64, batchSize: 32, evalSubset: 32, pgdSteps: 2, backend: 'wasm' }));
    let cancelAt: number | null = null;
    let fake: FakeCoordinator | null = null;
    fake = await coordinator(config, () => {
      const epochSeen = fake !== null && recordsOf(fake, 'c1').some((r) => r.message.kind === 'epoch');
      if (epochSeen && cancelAt === null) cancelAt = Date.now();
      return { status: 200, body: { cancelRuns: epochSeen ? ['c1'] : [], cancelTasks: [] } };
    });
    const q = await enqueue('cancel', ['c1']);
    const w = startWorker('cancel', fake);
    const deadline = Date.now() + 240_000;
    while (!recordsOf(fake, 'c1').some((r) => r.message.kind === 'done' || r.message.kind === 'error') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    const doneAt = Date.now();
    const recs = recordsOf(fake, 'c1');
    w.child.kill('SIGTERM');
    expect(await w.exited, w.stderr()).toBe(0);
    expect(recs.at(-1)?.message, w.stderr()).toMatchObject({ kind: 'done', status: 'cancelled' });
    expect(recs.map((r) => r.seq)).toEqual(recs.map((_, i) => i));
    expect(new Set(recs.map((r) => r.lease))).toEqual(new Set(['L1']));
    const epochs = recs.filter((r) => r.message.kind === 'epoch').length;
    expect(epochs).toBeGreaterThanOrEqual(1);
    expect(epochs).toBeLessThan(30);
    // A figure for the report, not an assertion (no timed assertions).
    process.stderr.write(`cancel reached the worker and the run ended cancelled ${cancelAt !== null ? doneAt - cancelAt : '?'} ms after the coordinator sent it; ${epochs} epoch(s) stored\n`);
    await q.close();
    await fake.close();
  }, 300_000);

  it('SIGTERM mid-run puts the job back in `wait`; a second worker downloads the uploaded checkpoint (SHA-256 checked) and resumes after it', async () => {
    const config = toStoredConfig(parseRunConfig({ dataset: 'synthetic', model: 'small-cnn', defense: 'nat', epochs: 4, limit: 64, batchSize: 32, evalSubset: 32, pgdSteps: 2, backend: 'wasm' }));
    const uploads = new Map<number, { bytes: Buffer; sha256: string; globalStep: number }>();
    let lease = 0;
    const fake = await startFakeCoordinator((r) => {
      if (r.route === '/worker/hello') return { status: 200, body: { ok: true, coordinator: { version: 'test' } } };
      if (r.route === '/worker/heartbeat') return { status: 200, body: { cancelRuns: [], cancelTasks: [] } };
      if (r.route === '/worker/claim') {
        const newest = [...uploads.keys()].sort((a, b) => b - a)[0];
        const u = newest !== undefined ? uploads.get(newest)! : null;
        return { status: 200, body: { kind: 'train', lease: `L${++lease}`, config, datasetFingerprint: null, keepCheckpoints: 2,
          checkpoint: u === null ? null : { runId: 's1', epoch: newest, globalStep: u.globalStep, sha256: u.sha256, size: u.bytes.length } } };
      }
      if (r.route === '/worker/checkpoint' && r.method === 'PUT') {
        uploads.set(Number(r.query.get('epoch')), { bytes: r.bytes, sha256: r.query.get('sha256')!, globalStep: Number(r.query.get('globalStep')) });
        return { status: 200, body: { ok: true } };
      }
      if (r.route === '/worker/checkpoint') {
        const u = uploads.get(Number(r.query.get('epoch')));
        return u === undefined ? { status: 404, body: { error: { code: 'not-found', message: 'no such checkpoint' } } } : { status: 200, raw: u.bytes, headers: { 'x-checkpoint-sha256': u.sha256 } };
      }
      return ok;
    });
    const q = await enqueue('resume', ['s1']);
    const w1 = startWorker('resume', fake);
    const deadline = Date.now() + 240_000;
    while (!recordsOf(fake, 's1').some((r) => r.message.kind === 'checkpoint') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    w1.child.kill('SIGTERM');
    expect(await w1.exited, w1.stderr()).toBe(0);
    const first = recordsOf(fake, 's1');
    expect(first.some((r) => r.message.kind === 'done')).toBe(false);
    expect(await q.getWaitingCount()).toBe(1);
    const w2 = startWorker('resume', fake);
    while (!recordsOf(fake, 's1').some((r) => r.lease === 'L2' && (r.message.kind === 'done' || r.message.kind === 'error')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    w2.child.kill('SIGTERM');
    expect(await w2.exited, w2.stderr()).toBe(0);
    const second = recordsOf(fake, 's1').filter((r) => r.lease === 'L2');
    const resumed = second.find((r) => r.message.kind === 'resumed')?.message as { epoch?: number } | undefined;
    const resumedFrom = Math.max(...[...uploads.keys()].filter((e) => e <= (resumed?.epoch ?? -1)));
    expect(resumed?.epoch, w2.stderr()).toBeGreaterThanOrEqual(1);
    expect(resumed?.epoch).toBe(resumedFrom);
    expect(second.at(-1)?.message).toMatchObject({ kind: 'done', status: 'completed' });
    // Epochs after the resume point only, each once, up to the 4th.
    const epochsOf = (rs: typeof second) => rs.filter((r) => r.message.kind === 'epoch').map((r) => (r.message as unknown as { m: { epoch: number } }).m.epoch);
    expect(epochsOf(second)).toEqual([...Array(4 - resumedFrom).keys()].map((i) => resumedFrom + 1 + i));
    expect(second.map((r) => r.seq)).toEqual(second.map((_, i) => i));
    await q.close();
    await fake.close();
  }, 300_000);

  it('Redis killed and restarted empty while the worker idles: a job enqueued afterwards is still taken and completed', async () => {
    const config = toStoredConfig(parseRunConfig({ dataset: 'synthetic', model: 'small-cnn', defense: 'nat', epochs: 1, limit: 64, batchSize: 32, evalSubset: 32, pgdSteps: 2, backend: 'wasm' }));
    const fake = await coordinator(config);
    const w = startWorker('restart', fake);
    const deadline = Date.now() + 200_000;
    while (!/taking jobs/.test(w.stderr()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const port = redis.port;
    await redis.stop();
    await new Promise((r) => setTimeout(r, 3000));
    redis = await startRedisProc({ port });
    const enqueuedAt = Date.now();
    const q = await enqueue('restart', ['after1']);
    while (!recordsOf(fake, 'after1').some((r) => r.message.kind === 'done') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    process.stderr.write(`after a Redis restart the job was done ${Date.now() - enqueuedAt} ms after it was enqueued; watchdog restarts: ${(w.stderr().match(/recreating it/g) ?? []).length}\n`);
    w.child.kill('SIGTERM');
    expect(await w.exited, w.stderr()).toBe(0);
    expect(recordsOf(fake, 'after1').at(-1)?.message, w.stderr()).toMatchObject({ kind: 'done', status: 'completed' });
    await q.close();
    await fake.close();
  }, 300_000);

  it('the coordinator failing every record for 6 s (HTTP 503) mid-run: heartbeats say `retrying`, then every record is delivered in seq order (0..n, none skipped) and the run completes', async () => {
    const config = toStoredConfig(parseRunConfig({ dataset: 'synthetic', model: 'small-cnn', defense: 'nat', epochs: 2, limit: 64, batchSize: 32, evalSubset: 32, pgdSteps: 2, backend: 'wasm' }));
    let failUntil: number | null = null;
    let refused = 0;
    const beats: Array<{ state: string; message: string | null }> = [];
    const fake = await startFakeCoordinator((r) => {
      if (r.route === '/worker/hello') return { status: 200, body: { ok: true, coordinator: { version: 'test' } } };
      if (r.route === '/worker/heartbeat') { beats.push(r.body as { state: string; message: string | null }); return { status: 200, body: { cancelRuns: [], cancelTasks: [] } }; }
      if (r.route === '/worker/claim') return { status: 200, body: { kind: 'train', lease: 'L1', config, checkpoint: null, datasetFingerprint: null, keepCheckpoints: 2 } };
      if (r.route === '/worker/record' || r.route === '/worker/checkpoint') {
        failUntil ??= Date.now() + 6000;
        if (Date.now() < failUntil) { refused++; return { status: 503, body: { error: { code: 'internal', message: 'coordinator restarting' } } }; }
      }
      return r.route === '/worker/checkpoint' ? { status: 200, body: { ok: true } } : ok;
    });
    const q = await enqueue('flaky', ['f1']);
    const w = startWorker('flaky', fake);
    const deadline = Date.now() + 240_000;
    while (!recordsOf(fake, 'f1').some((r) => r.message.kind === 'done') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    w.child.kill('SIGTERM');
    expect(await w.exited, w.stderr()).toBe(0);
    // Every record request (a refused one is retried with the same seq): first seen in order 0..n, none skipped, ending with done.
    const accepted = fake.received.filter((r) => r.route === '/worker/record').map((r) => r.body as { seq: number; message: { kind: string; status?: string } });
    const seqs = [...new Set(accepted.map((r) => r.seq))];
    expect(seqs).toEqual(seqs.map((_, i) => i));
    expect(accepted.at(-1)?.message).toMatchObject({ kind: 'done', status: 'completed' });
    expect(refused).toBeGreaterThan(0);
    const retrying = beats.filter((b) => b.state === 'retrying');
    expect(retrying.length, JSON.stringify(beats.map((b) => b.state))).toBeGreaterThan(0);
    expect(retrying[0].message).toMatch(/the coordinator is unreachable \(POST \/worker\/record .*HTTP 503.*coordinator restarting\); retrying in .* s, results are kept/);
    expect(w.stderr()).toMatch(/the coordinator is reachable again/);
    expect(beats.at(-1)?.state).toBe('stopped');
    process.stderr.write(`flaky coordinator: ${refused} requests refused, ${retrying.length} heartbeats said retrying, ${seqs.length} records delivered in order\n`);
    await q.close();
    await fake.close();
  }, 300_000);
});
