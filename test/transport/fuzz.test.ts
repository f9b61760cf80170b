/**
 * Fuzz suite of the transports (fast-check, fixed seed; ASCL_FUZZ_SEED overrides it, and a failure
 * prints the seed and the shrunk counterexample). The real `ascl serve --token` runs in its own
 * process on a store holding a finished run; every case is followed by a health check (the process
 * is alive, logged no last-resort error, and answers app:info). Inputs: every channel's payloads
 * through HTTP and, in this process, through dispatch and the IPC handler; raw request targets,
 * headers, cookies, upgrade requests, WebSocket frames and bodies on plain sockets. None of these
 * cases may write: at the end a dump of every table of both stores is compared with the one before.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_CHANNELS } from '../../src-main/shared/channels.js';
import { ApiError, dispatch } from '../../src-main/api/dispatch.js';
import type { AppService } from '../../src-main/service/app-service.js';
import { IPC_INVOKE, setupIpc, type IpcResult, type InvokeEventLike } from '../../src-main/transport/ipc.js';
import { BIN, ROOT } from '../cli/cli-helpers.js';
import { dumpStore, fakeService, tempDir, SMALL } from '../service/helpers.js';
import { payloadsFor } from './fuzz-payloads.js';
import { exchange, frame, request, type RawReply } from './raw-http.js';

const SEED = Number(process.env.ASCL_FUZZ_SEED ?? 14_2026);
/** Cases per channel (API) and per raw kind; the total is in the final test's title. */
const PER_CHANNEL = 40;
const RAW = { targets: 150, headers: 120, cookies: 80, upgrades: 120, frames: 120, bodies: 150 } as const;
const TOTAL = PER_CHANNEL * API_CHANNELS.length + Object.values(RAW).reduce((a, b) => a + b, 0);
const TOKEN = 'fuzz-token-0123456789abcdef';

const dir = tempDir('ascl-fuzz-');
const served = path.join(dir, 'served.db');
let child: ChildProcess;
let port = 0;
let stderr = '';
let servedRun = '';
let local: AppService;
let localRun = '';
let ipcInvoke: (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>;
const before = { served: '', local: '' };
const tally = { cases: 0, crashes: 0, serverErrors: 0 };


beforeAll(async () => {
  const s = await fakeService(served, { workers: 1 });
  servedRun = (await s['runs:start']({ config: { ...SMALL, epochs: 1 } })).id;
  expect(await s.waitForRun(servedRun)).toBe('completed');
  await s.close();
  before.served = dumpStore(served);
  local = await fakeService(path.join(dir, 'local.db'), { workers: 1 });
  localRun = (await local['runs:start']({ config: { ...SMALL, epochs: 1 } })).id;
  expect(await local.waitForRun(localRun)).toBe('completed');
  before.local = dumpStore(local.store.dbPath);
  const handlers = new Map<string, typeof ipcInvoke>();
  setupIpc({ handle: (c, l) => { handlers.set(c, l); }, removeHandler: () => {} }, local, { appContents: () => [{ id: 1, isDestroyed: () => false, send: () => {} }], log: () => {} });
  ipcInvoke = handlers.get(IPC_INVOKE)!;

  child = spawn(process.execPath, [BIN, 'serve', '--db', served, '--port', '0', '--token', TOKEN, '--workers', '1'],
    { cwd: ROOT, env: { ...process.env, ASCL_HOME: dir }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => { out += d.toString(); const m = /served at http:\/\/127\.0\.0\.1:(\d+)\//.exec(out); if (m) resolve(Number(m[1])); });
    child.on('exit', (code) => reject(new Error(`ascl serve exited ${code} before serving: ${stderr}`)));
  });
}, 120_000);
afterAll(async () => {
  if (child && child.exitCode === null) { child.kill('SIGTERM'); await new Promise((r) => child.once('exit', r)); }
  await local?.close();
});

const HOST = (): string => `Host: 127.0.0.1:${port}`;
const post = (channel: string, body: string, extra: string[] = [`Authorization: Bearer ${TOKEN}`]): Promise<RawReply> =>
  exchange(port, [request([`POST /api/${channel} HTTP/1.1`, HOST(), 'Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`, 'Connection: close', ...extra], body)]);

/** After every case: the serving process is alive, logged no last-resort error, and answers app:info. */
async function healthCheck(what: string): Promise<void> {
  const alive = child.exitCode === null && child.signalCode === null && !stderr.includes('[last resort]');
  const r = alive ? await post('app:info', '{}') : null;
  if (!alive || r?.status !== 200 || (JSON.parse(r.body) as { version?: unknown }).version === undefined) {
    tally.crashes++;
    throw new Error(`health check after ${what} failed: exit ${child.exitCode} signal ${child.signalCode}, app:info ${r?.status}; stderr:\n${stderr.slice(-2000)}`);
  }
}

/** A reply a client error may get: none (connection refused mid-way), 1xx-4xx; 4xx with a JSON error and no server path. */
function judge(r: RawReply, what: string, o: { replyRequired: boolean; head?: boolean }): void {
  if (r.status === null) { if (o.replyRequired) throw new Error(`${what}: no HTTP reply (${r.bytes} bytes)`); return; }
  if (r.status >= 500) { tally.serverErrors++; throw new Error(`${what}: ${r.status} ${r.body.slice(0, 300)}`); }
  if (r.status >= 400 && !o.head) {
    expect(r.headers['content-type'], `${what}: ${r.status} ${r.body.slice(0, 200)}`).toMatch(/^application\/json/);
    const body = JSON.parse(r.body) as { error: { code: string; message: string } };
    expect(typeof body.error.code === 'string' && typeof body.error.message === 'string', what).toBe(true);
  }
  expect(r.body.includes(dir) || r.body.includes(ROOT), `${what}: a server path in ${r.body.slice(0, 300)}`).toBe(false);
}

async function runCase(what: string, exercise: () => Promise<void>): Promise<void> {
  tally.cases++;
  await exercise();
  await healthCheck(what);
}

const assertOpts = (numRuns: number) => ({ numRuns, seed: SEED });
const LOCAL_CODES = ['bad-request', 'not-found', 'conflict', 'too-large'];

describe(`transport fuzz (seed ${SEED})`, () => {
  it.each(API_CHANNELS)(`%s: ${PER_CHANNEL} arbitrary and near-valid payloads through HTTP, dispatch and IPC: 2xx/4xx JSON, never 5xx`, async (channel) => {
    await fc.assert(fc.asyncProperty(payloadsFor(channel, 'RUN'), async (payload) => {
      const text = (JSON.stringify(payload) ?? 'null');
      await runCase(`${channel} ${text.slice(0, 200)}`, async () => {
        const r = await post(channel, text.replaceAll('"RUN"', JSON.stringify(servedRun)));
        judge(r, `${channel} ${text.slice(0, 200)}`, { replyRequired: true });
        const p = JSON.parse(text.replaceAll('"RUN"', JSON.stringify(localRun))) as unknown;
        try { await dispatch(local, channel, p); } catch (err) {
          expect(err, `dispatch ${channel}: ${(err as Error).message}`).toBeInstanceOf(ApiError);
          expect(LOCAL_CODES).toContain((err as ApiError).code);
        }
        const ipc = (await ipcInvoke({ sender: { id: 1, isDestroyed: () => false, send: () => {} } }, channel, p)) as IpcResult;
        if (!ipc.ok) expect(LOCAL_CODES).toContain(ipc.error.code);
      });
    }), assertOpts(PER_CHANNEL));
  });

  const bytes = (max: number): fc.Arbitrary<Buffer> => fc.uint8Array({ maxLength: max }).map((a) => Buffer.from(a));
  const printable = fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 60 });
  const pctEscape = fc.tuple(fc.constantFrom('%', '%E0', '%E0%A4', '%E0%A4%A', '%ZZ', '%00', '%2e%2e', '%2F', '%C0%AF', '%FF%FE'), printable).map(([a, b]) => a + b);
  const target: fc.Arbitrary<Buffer> = fc.oneof(
    printable.map((t) => Buffer.from(t, 'latin1')),
    fc.tuple(fc.constantFrom('/', '//', '///', '/api/', '/events', '/api/app:info', '//a:99999', 'http://', 'http://[::', 'ftp://x/', '*', '?', '#', '/..', '/%2e%2e/'), printable, fc.option(pctEscape))
      .map(([a, b, c]) => Buffer.from(`${a}${b}${c ?? ''}`, 'latin1')),
    bytes(40),
  );
  const headerName = fc.oneof(fc.constantFrom('Host', 'Cookie', 'Authorization', 'Content-Length', 'Transfer-Encoding', 'Origin', 'Upgrade', 'Connection',
    'Content-Type', 'Expect', 'Sec-WebSocket-Key', 'Sec-WebSocket-Version', 'X-Forwarded-For'), printable);
  const headerValue = fc.oneof(printable, pctEscape, bytes(30).map((b) => b.toString('latin1')), fc.constantFrom('', ' ', '-1', '99999999999999999999', 'chunked', 'chunked, gzip', 'x'.repeat(20_000)));
  const headerLine = fc.tuple(headerName, headerValue).map(([n, v]) => Buffer.from(`${n}: ${v}`, 'latin1'));

  it(`${RAW.targets} raw request targets (printable, near-special, binary) with each method: JSON 4xx or 2xx, never 5xx`, async () => {
    await fc.assert(fc.asyncProperty(fc.constantFrom('GET', 'POST', 'HEAD', 'PUT', 'OPTIONS', 'BREW'), target, async (method, t) => {
      await runCase(`${method} ${JSON.stringify(t.toString('latin1'))}`, async () => {
        const r = await exchange(port, [request([Buffer.concat([Buffer.from(`${method} `), t, Buffer.from(' HTTP/1.1')]), HOST(), `Authorization: Bearer ${TOKEN}`, 'Content-Type: application/json', 'Content-Length: 2', 'Connection: close'], '{}')]);
        judge(r, `${method} ${JSON.stringify(t.toString('latin1'))}`, { replyRequired: true, head: method === 'HEAD' });
      });
    }), assertOpts(RAW.targets));
  });

  it(`${RAW.headers} requests with 1-6 arbitrary header lines (names, values, duplicates, overflow): never 5xx`, async () => {
    await fc.assert(fc.asyncProperty(fc.array(headerLine, { minLength: 1, maxLength: 6 }), fc.boolean(), async (lines, withHost) => {
      await runCase(`headers ${JSON.stringify(lines.map((l) => l.toString('latin1').slice(0, 80)))}`, async () => {
        const r = await exchange(port, [request(['POST /api/runs:list HTTP/1.1', ...(withHost ? [HOST()] : []), ...lines, 'Connection: close'], '{}')]);
        judge(r, `headers ${JSON.stringify(lines.map((l) => l.toString('latin1').slice(0, 80)))}`, { replyRequired: false });
      });
    }), assertOpts(RAW.headers));
  });

  it(`${RAW.cookies} ascl_token cookies (malformed percent-escapes, several cookies, empty): 401 JSON or 200, never 5xx`, async () => {
    const cookie = fc.array(fc.oneof(pctEscape.map((v) => `ascl_token=${v}`), printable.map((v) => `ascl_token=${v}`), printable, fc.constant(`ascl_token=${TOKEN}`), fc.constant('ascl_token')), { minLength: 1, maxLength: 4 }).map((c) => c.join('; '));
    await fc.assert(fc.asyncProperty(cookie, async (c) => {
      await runCase(`cookie ${JSON.stringify(c)}`, async () => {
        const r = await exchange(port, [request(['POST /api/app:info HTTP/1.1', HOST(), `Cookie: ${c}`, 'Content-Type: application/json', 'Content-Length: 2', 'Connection: close'], '{}')]);
        judge(r, `cookie ${JSON.stringify(c)}`, { replyRequired: true });
        expect([200, 401]).toContain(r.status);
      });
    }), assertOpts(RAW.cookies));
  });

  it(`${RAW.upgrades} WebSocket upgrade requests (targets, keys, versions, origins, cookies, tokens): 101 or JSON 4xx, never 5xx`, async () => {
    const key = fc.oneof(fc.constant('dGhlIHNhbXBsZSBub25jZQ=='), printable, fc.constant(''));
    const version = fc.constantFrom('13', '8', '12', 'x', '', '13, 8');
    const auth = fc.oneof(fc.constant(`Authorization: Bearer ${TOKEN}`), fc.constant('Authorization: Bearer wrong'), pctEscape.map((v) => `Cookie: ascl_token=${v}`), fc.constant(''));
    const origin = fc.oneof(fc.constant(''), fc.constant(`Origin: http://127.0.0.1:${port}`), printable.map((o) => `Origin: ${o}`));
    const path = fc.oneof(target, fc.constantFrom('/events', `/events?token=${TOKEN}`, '/events?token=%E0%A4%A', '//a:99999/events').map((t) => Buffer.from(t)));
    await fc.assert(fc.asyncProperty(fc.constantFrom('GET', 'POST'), path, key, version, auth, origin, async (method, t, k, v, a, o) => {
      const what = `upgrade ${method} ${JSON.stringify(t.toString('latin1'))} key ${JSON.stringify(k)} version ${v} ${a} ${o}`;
      await runCase(what, async () => {
        const lines = [Buffer.concat([Buffer.from(`${method} `), t, Buffer.from(' HTTP/1.1')]), HOST(), 'Connection: Upgrade', 'Upgrade: websocket', `Sec-WebSocket-Key: ${k}`, `Sec-WebSocket-Version: ${v}`, a, o].filter((l) => l !== '');
        const r = await exchange(port, [request(lines)], { afterHandshake: [] });
        judge(r, what, { replyRequired: false });
      });
    }), assertOpts(RAW.upgrades));
  });

  it(`${RAW.frames} WebSocket sessions of 1-4 frames (any opcode, unmasked, oversized, fragmented) or raw bytes after the handshake`, async () => {
    const spec = fc.record({ fin: fc.boolean(), rsv: fc.integer({ min: 0, max: 7 }), opcode: fc.integer({ min: 0, max: 15 }), mask: fc.boolean(),
      payload: fc.oneof(bytes(200), fc.integer({ min: 4000, max: 70_000 }).map((n) => Buffer.alloc(n, 0x61))) });
    const session = fc.oneof(fc.array(spec.map(frame), { minLength: 1, maxLength: 4 }), bytes(300).map((b) => [b]));
    await fc.assert(fc.asyncProperty(session, async (frames) => {
      const what = `frames ${frames.map((f) => f.subarray(0, 12).toString('hex')).join(' ')}`;
      await runCase(what, async () => {
        const r = await exchange(port, [request([`GET /events HTTP/1.1`, HOST(), 'Connection: Upgrade', 'Upgrade: websocket', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version: 13', `Authorization: Bearer ${TOKEN}`])], { afterHandshake: frames });
        expect(r.status, what).toBe(101);
      });
    }), assertOpts(RAW.frames));
  });

  it(`${RAW.bodies} request bodies (bytes, JSON-ish text, wrong or missing Content-Length, chunked, content types): never 5xx`, async () => {
    const body = fc.oneof(bytes(400), fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? ''), fc.constantFrom('{', '{"a":', '[]'.repeat(5000), '{"__proto__":{}}', '﻿{}', `${'['.repeat(5000)}`, 'null', '"x"').map((s) => s));
    const length = fc.constantFrom('exact', 'none', 'short', 'long', 'chunked', 'bad-chunked', 'negative');
    const type = fc.constantFrom('application/json', 'application/json; charset=utf-16', 'text/plain', '', 'application/jsonx');
    // Not runs:start / runs:sweep: an empty, `null` or `{}` body (or one cut to nothing by a short
    // Content-Length) is a valid request for them and would start a default run. The other writing
    // channels need a run id, which no generated body names, so none of these bodies can write.
    // Nor runs:estimate: an empty body is a valid request that starts a calibration on a worker.
    await fc.assert(fc.asyncProperty(fc.constantFrom(...API_CHANNELS.filter((c) => c !== 'runs:start' && c !== 'runs:sweep' && c !== 'runs:estimate'), 'nope'), body, length, type, async (channel, b, len, ct) => {
      const buf = Buffer.isBuffer(b) ? b : Buffer.from(b);
      const what = `body ${channel} ${len} ${ct} ${JSON.stringify(buf.subarray(0, 60).toString('latin1'))}`;
      await runCase(what, async () => {
        const framing = len === 'exact' ? [`Content-Length: ${buf.length}`] : len === 'short' ? [`Content-Length: ${Math.max(0, buf.length - 3)}`]
          : len === 'long' ? [`Content-Length: ${buf.length + 10}`] : len === 'negative' ? ['Content-Length: -5'] : len.includes('chunked') ? ['Transfer-Encoding: chunked'] : [];
        const payload = len === 'chunked' ? Buffer.concat([Buffer.from(`${buf.length.toString(16)}\r\n`), buf, Buffer.from('\r\n0\r\n\r\n')])
          : len === 'bad-chunked' ? Buffer.concat([Buffer.from('zz\r\n'), buf]) : buf;
        const r = await exchange(port, [request([`POST /api/${channel} HTTP/1.1`, HOST(), `Authorization: Bearer ${TOKEN}`, ...(ct ? [`Content-Type: ${ct}`] : []), ...framing, 'Connection: close'], payload)]);
        judge(r, what, { replyRequired: len === 'exact' || len === 'chunked' });
      });
    }), assertOpts(RAW.bodies));
  });

  it('regression: upgrade to //a:99999/events (it ended the process) -> 400 JSON naming the target; plain GET of it -> 400 JSON', async () => {
    const up = await exchange(port, [request(['GET //a:99999/events HTTP/1.1', HOST(), 'Connection: Upgrade', 'Upgrade: websocket', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version: 13'])]);
    expect([up.status, JSON.parse(up.body)]).toEqual([400, { error: { code: 'bad-request', message: 'parseTarget: bad request target "//a:99999/events"; expected a path such as /api/app:info' } }]);
    const plain = await exchange(port, [request(['GET //a:99999/events HTTP/1.1', HOST(), `Authorization: Bearer ${TOKEN}`, 'Connection: close'])]);
    expect([plain.status, JSON.parse(plain.body)]).toEqual([400, JSON.parse(up.body)]);
    await healthCheck('the //a:99999/events regression');
  });

  it('regression: ascl_token=%E0%A4%A (it ended the process in token mode) -> HTTP 401 JSON, upgrade 403 JSON, both naming the cookie', async () => {
    const message = 'requestToken: the ascl_token cookie is not valid percent-encoding (got "%E0%A4%A"); open the URL printed by ascl serve again';
    const http = await post('app:info', '{}', ['Cookie: ascl_token=%E0%A4%A']);
    expect([http.status, JSON.parse(http.body)]).toEqual([401, { error: { code: 'unauthorized', message } }]);
    const up = await exchange(port, [request(['GET /events HTTP/1.1', HOST(), 'Cookie: ascl_token=%E0%A4%A', 'Connection: Upgrade', 'Upgrade: websocket', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version: 13'])]);
    expect([up.status, JSON.parse(up.body)]).toEqual([403, { error: { code: 'unauthorized', message } }]);
    await healthCheck('the %E0%A4%A cookie regression');
  });

  it(`after ${TOTAL} cases: 0 crashes, 0 server errors, both stores byte-for-byte unchanged (every table dumped)`, () => {
    expect({ ...tally, servedStoreChanged: dumpStore(served) !== before.served, localStoreChanged: dumpStore(local.store.dbPath) !== before.local })
      .toEqual({ cases: TOTAL, crashes: 0, serverErrors: 0, servedStoreChanged: false, localStoreChanged: false });
  });
});
