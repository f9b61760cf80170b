/**
 * `ascl worker` refuses what cannot work with exit code 2 and a message naming the problem (issue 10):
 * a bad broker URL, a Redis refusing or missing the password, nothing listening, a wrong token. A
 * coordinator that is merely unreachable is not a refusal: the worker retries and says so.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, runCli } from '../cli/cli-helpers.js';
import { freeLoopbackPort, startRedisProc, type RedisProc } from './redis-proc.js';
import { startFakeCoordinator, type FakeCoordinator } from '../queue/fake-coordinator.js';

const PASSWORD = 'right-password-123';
let redis: RedisProc;
let refusing: FakeCoordinator;
let nothingPort: number;

beforeAll(async () => {
  redis = await startRedisProc({ password: PASSWORD });
  refusing = await startFakeCoordinator(() => ({ status: 401, body: { error: { code: 'unauthorized', message: 'a valid token is required' } } }));
  nothingPort = await freeLoopbackPort();
}, 30_000);
afterAll(async () => { await redis?.stop(); await refusing?.close(); });

const worker = (broker: string, coordinator = 'http://127.0.0.1:9', token = 'some-token') =>
  runCli(['worker', '--broker', broker, '--coordinator', coordinator, '--token', token, '--backend', 'wasm'], { timeoutMs: 60_000 });

describe('ascl worker refusals (exit 2)', () => {
  it.each([
    ['http: scheme', () => 'http://127.0.0.1:6379', /the scheme "http:" is not a broker; use redis:\/\/ or rediss:\/\//],
    ['port 99999', () => 'redis://127.0.0.1:99999', /the port "99999" is out of range; a port is 1-65535/],
    ['a port with nothing listening', () => `redis://127.0.0.1:${nothingPort}`, /no Redis at 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/],
    ['no host', () => 'redis://:6379', /the host is missing/],
    ['a wrong Redis password', () => `redis://:wrong-password@127.0.0.1:${redis.port}`, /Redis refused the password \(WRONGPASS\/NOAUTH\)/],
    ['no Redis password where one is required', () => `redis://127.0.0.1:${redis.port}`, /Redis refused the password \(WRONGPASS\/NOAUTH\)/],
  ])('broker URL with %s exits 2 naming it', async (_what, url, message) => {
    const r = await worker(url());
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    // The password never shows.
    expect(r.stderr).not.toContain('wrong-password');
  }, 60_000);

  it('a token the coordinator refuses (HTTP 401 on POST /worker/hello) exits 2 naming the token', async () => {
    const r = await worker(`redis://:${PASSWORD}@127.0.0.1:${redis.port}`, refusing.url, 'wrong-token');
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/POST \/worker\/hello: HTTP 401 \(the coordinator refused the token: give the --token of `ascl serve`\): a valid token is required/);
    expect(refusing.received.filter((q) => q.route === '/worker/hello').map((q) => q.auth)).toContain('Bearer wrong-token');
  }, 60_000);

  it('an unreachable coordinator is retried (said on stderr), not refused; SIGTERM then exits 0', async () => {
    const child = spawn(process.execPath, [BIN, 'worker', '--broker', `redis://:${PASSWORD}@127.0.0.1:${redis.port}`, '--coordinator', `http://127.0.0.1:${nothingPort}`,
      '--token', 't', '--backend', 'wasm'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    const said = new Promise<void>((resolve) => child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); if (/retrying in/.test(stderr)) resolve(); }));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    await said;
    expect(stderr).toMatch(new RegExp(`the coordinator is unreachable \\(POST /worker/hello \\(http://127\\.0\\.0\\.1:${nothingPort}\\): .*ECONNREFUSED.*\\); retrying in`));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 60_000);
});
