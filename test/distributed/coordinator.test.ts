/**
 * `ascl serve --broker` refusals (exit 2, naming the problem) and the worker API's token rule: a coordinator
 * never starts without a token of >= 16 characters, and /worker/* answers 401 JSON to a wrong or missing token
 * on loopback too. app:info reports the broker redacted and workers:list the workers that said hello.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/cli-helpers.js';
import { startRedisProc, type RedisProc } from './redis-proc.js';
import { createCluster, type Cluster } from './cluster.js';

const PASSWORD = 'coordinator-pass-42';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ascl-coord-refusal-'));
let redis: RedisProc;
beforeAll(async () => { redis = await startRedisProc({ password: PASSWORD }); }, 30_000);
afterAll(async () => { await redis?.stop(); fs.rmSync(dir, { recursive: true, force: true }); });

const serve = (broker: string, token: string | null = 'a-long-enough-token-1234') =>
  runCli(['serve', '--broker', broker, ...(token !== null ? ['--token', token] : []), '--port', '0', '--no-ui', '--db', path.join(dir, 'ascl.db')], { timeoutMs: 60_000 });

describe('ascl serve --broker refusals (exit 2)', () => {
  it.each([
    ['no token', () => `redis://:${PASSWORD}@127.0.0.1:${redis.port}`, null, /needs --token of at least 16 characters \(got none\)/],
    ['a 5-character token', () => `redis://:${PASSWORD}@127.0.0.1:${redis.port}`, 'short', /at least 16 characters \(got 5\)/],
    ['http: scheme', () => 'http://127.0.0.1:6379', undefined, /the scheme "http:" is not a broker/],
    ['port 99999', () => 'redis://127.0.0.1:99999', undefined, /the port "99999" is out of range/],
    ['wrong password', () => `redis://:wrong@127.0.0.1:${redis.port}`, undefined, /Redis refused the password \(WRONGPASS\/NOAUTH\)/],
    ['no password', () => `redis://127.0.0.1:${redis.port}`, undefined, /Redis refused the password/],
  ])('%s -> exit 2 naming it', async (_name, url, token, why) => {
    const r = await serve(url(), token === undefined ? 'a-long-enough-token-1234' : token);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(why);
    expect(r.stderr).not.toContain('wrong@');
  }, 60_000);
});

describe('the worker API of a running coordinator', () => {
  let c: Cluster;
  beforeAll(async () => { c = await createCluster(); await c.startRedis(); await c.startCoordinator(); }, 120_000);
  afterAll(async () => { await c?.stop(); });

  it('POST /worker/hello without a token, with a wrong one -> 401 JSON; with the token -> ok, and workers:list shows it idle; app:info names the broker and queue "default"', async () => {
    const hello = { workerId: 'h-1-abc', host: 'h', pid: 1, queue: 'default', backend: 'wasm', gpu: null, cores: 2, concurrency: 1, version: '0' };
    const post = (auth: string | null) => fetch(`${c.coordinator!.url}/worker/hello`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...(auth ? { Authorization: auth } : {}) }, body: JSON.stringify(hello) });
    for (const auth of [null, 'Bearer not-the-token-at-all!']) {
      const res = await post(auth);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: { code: 'unauthorized' } });
    }
    const ok = await post(`Bearer ${c.token}`);
    expect([ok.status, await ok.json()]).toEqual([200, { ok: true, coordinator: { version: expect.any(String) } }]);
    const workers = await c.api<Array<{ id: string; state: string }>>('workers:list');
    expect(workers.map((w) => [w.id, w.state])).toEqual([['h-1-abc', 'idle']]);
    expect(await c.api('app:info')).toMatchObject({ broker: { url: c.brokerUrl, queues: ['default'] } });
  });

  it('a claim of a job for a run this store does not have -> 409; a record for an unknown run -> 404', async () => {
    const auth = { 'Content-Type': 'application/json', Authorization: `Bearer ${c.token}` };
    const claim = await fetch(`${c.coordinator!.url}/worker/claim`, { method: 'POST', headers: auth, body: JSON.stringify({ workerId: 'h-1-abc', job: { kind: 'train', runId: 'nope', attempt: 1 } }) });
    expect(claim.status).toBe(409);
    const rec = await fetch(`${c.coordinator!.url}/worker/record`, { method: 'POST', headers: auth, body: JSON.stringify({ runId: 'nope', lease: 'x', seq: 0, message: { kind: 'started' } }) });
    expect(rec.status).toBe(404);
  });
});
