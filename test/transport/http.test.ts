import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startServer, type RunningServer } from '../../src-main/transport/http.js';
import { CONTENT_SECURITY_POLICY } from '../../src-main/transport/security.js';
import { createFakeService, type FakeService } from './fake-service.js';

interface Reply { status: number; headers: Record<string, string | string[] | undefined>; body: string }

/** Raw request (fetch would normalise paths like /../ and forbid some headers). */
function raw(url: string, pathName: string, init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<Reply> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path: pathName, method: init.method ?? 'GET', headers: init.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    if (init.body !== undefined) req.write(init.body);
    req.end();
  });
}
/** Writes raw bytes on a plain socket and returns everything the server sends until it closes. */
function rawSocket(port: number, text: string): Promise<string> {
  return new Promise((resolve) => {
    let out = '';
    const s = connect(port, '127.0.0.1', () => s.write(text));
    s.on('data', (d: Buffer) => { out += d.toString('latin1'); });
    s.on('error', () => {});
    s.on('close', () => resolve(out));
  });
}
const post = (url: string, channel: string, body: string, headers: Record<string, string> = {}): Promise<Reply> =>
  raw(url, `/api/${channel}`, { method: 'POST', body, headers: { 'Content-Type': 'application/json', ...headers } });

function wsOpen(url: string, headers: Record<string, string> = {}): Promise<{ ws: WebSocket; status: number | null }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => resolve({ ws, status: 101 }));
    ws.on('unexpected-response', (_req, res) => { resolve({ ws, status: res.statusCode ?? null }); res.resume(); });
    ws.on('error', () => resolve({ ws, status: null }));
  });
}

let dir: string;
let service: FakeService;
let server: RunningServer;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ascl-http-'));
  const ui = path.join(dir, 'ui');
  await mkdir(path.join(ui, 'assets'), { recursive: true });
  await writeFile(path.join(ui, 'index.html'), '<!doctype html><title>ASCL</title>');
  await writeFile(path.join(ui, 'assets', 'app.js'), 'console.log(1)');
  await writeFile(path.join(ui, '.env'), 'SECRET=1');
  await writeFile(path.join(dir, 'secret.txt'), 'TOP-SECRET-CONTENT');
  await symlink(path.join(dir, 'secret.txt'), path.join(ui, 'link.txt'));
  service = createFakeService();
  server = await startServer(service, { port: 0, staticDir: ui });
});
afterAll(async () => { await server.close(); await rm(dir, { recursive: true, force: true }); });

describe('startServer on 127.0.0.1 (no token)', () => {
  it('POST /api/app:info answers the service result as JSON', async () => {
    const r = await post(server.url, 'app:info', '{}');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(r.body)).toEqual({ version: 'test', backend: 'cpu', workers: 1, dbPath: ':memory:' });
  });

  it('validates the payload with the channel schema: runs:list {limit: 0} -> 400 naming limit', async () => {
    const r = await post(server.url, 'runs:list', '{"limit":0}');
    expect(r.status).toBe(400);
    const body = JSON.parse(r.body) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('bad-request');
    expect(body.error.message).toMatch(/limit/);
  });

  it('unknown channel runs:explode -> 404 not-found', async () => {
    const r = await post(server.url, 'runs:explode', '{}');
    expect(r.status).toBe(404);
    expect(JSON.parse(r.body)).toMatchObject({ error: { code: 'not-found' } });
  });

  it('malformed JSON body "{oops" -> 400 with "malformed JSON", service not called', async () => {
    const before = service.calls.length;
    const r = await post(server.url, 'runs:start', '{oops');
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body).error.message).toMatch(/malformed JSON/);
    expect(service.calls.length).toBe(before);
  });

  it('service errors keep their code: runs:get {id: "nope"} -> 404', async () => {
    const r = await post(server.url, 'runs:get', '{"id":"nope"}');
    expect(r.status).toBe(404);
    expect(JSON.parse(r.body).error.message).toMatch(/nope/);
  });

  it('body of 1 MiB + 1 byte -> 413 too-large', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(1024 * 1024) });
    const r = await post(server.url, 'runs:start', big);
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body).error.code).toBe('too-large');
  });

  it('GET on an API channel -> 405; text/plain POST (CSRF simple request) -> 400', async () => {
    expect((await raw(server.url, '/api/app:info')).status).toBe(405);
    const r = await raw(server.url, '/api/runs:start', { method: 'POST', body: '{}', headers: { 'Content-Type': 'text/plain' } });
    expect(r.status).toBe(400);
  });

  it('API POST from another origin (http://evil.example) -> 401', async () => {
    const r = await post(server.url, 'app:info', '{}', { Origin: 'http://evil.example' });
    expect(r.status).toBe(401);
  });

  it('serves index.html at / with the strict CSP and nosniff', async () => {
    const r = await raw(server.url, '/');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(r.headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves /assets/app.js as text/javascript', async () => {
    const r = await raw(server.url, '/assets/app.js');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/javascript/);
  });

  it.each([
    ['/../secret.txt'], ['/assets/../../secret.txt'], ['/%2e%2e/secret.txt'], ['/assets/%2e%2e%2f%2e%2e%2fsecret.txt'],
    ['/.env'], ['/link.txt'], ['/assets'], ['/assets/'],
  ])('refuses %s (traversal, dotfile, symlink out, directory listing) with 404 and no file content', async (p) => {
    const r = await raw(server.url, p);
    expect(r.status).toBe(404);
    expect(r.body).not.toMatch(/TOP-SECRET|SECRET=1|app\.js/);
  });

  it.each([['/%00index.html'], ['/%E0%A4%A'], ['/..%5csecret.txt']])('refuses malformed path %s with 400', async (p) => {
    expect((await raw(server.url, p)).status).toBe(400);
  });

  it('refuses a foreign Host header (DNS rebinding) with 421', async () => {
    const r = await raw(server.url, '/', { headers: { Host: `attacker.example:${server.port}` } });
    expect(r.status).toBe(421);
  });

  it('WebSocket /events forwards service events as {event, payload}', async () => {
    const { ws, status } = await wsOpen(`ws://127.0.0.1:${server.port}/events`, { Origin: `http://127.0.0.1:${server.port}` });
    expect(status).toBe(101);
    const got = new Promise<unknown>((resolve) => ws.once('message', (d) => resolve(JSON.parse(String(d)))));
    service.emit('run:status', { id: 'r1', status: 'running', error: null });
    expect(await got).toEqual({ event: 'run:status', payload: { id: 'r1', status: 'running', error: null } });
    ws.close();
  });

  it('WebSocket upgrade from another origin (http://evil.example) -> 403', async () => {
    const { status } = await wsOpen(`ws://127.0.0.1:${server.port}/events`, { Origin: 'http://evil.example' });
    expect(status).toBe(403);
  });
});

describe('startServer off loopback', () => {
  it('regression (no token): upgrade to //a:99999/events -> 400 JSON, the server keeps answering', async () => {
    const r = await rawSocket(server.port, `GET //a:99999/events HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    expect(r).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n[\s\S]*Content-Type: application\/json[\s\S]*"code":"bad-request".*bad request target \\"\/\/a:99999\/events\\"/);
    expect((await post(server.url, 'app:info', '{}')).status).toBe(200);
  });

  it('no Host header -> 400 JSON; Expect: nonsense -> 417 JSON (Node would answer without a body)', async () => {
    const noHost = await rawSocket(server.port, 'GET / HTTP/1.1\r\nConnection: close\r\n\r\n');
    expect(noHost).toMatch(/^HTTP\/1\.1 400[\s\S]*\r\n\r\n\{"error":\{"code":"bad-request","message":"startServer: the request has no Host header"\}\}$/);
    const expectHeader = await rawSocket(server.port, `GET / HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nExpect: nonsense\r\nConnection: close\r\n\r\n`);
    expect(expectHeader).toMatch(/^HTTP\/1\.1 417[\s\S]*"code":"bad-request".*unsupported Expect header \\"nonsense\\"/);
  });

  it('a request line the parser refuses (GET /\\x01 HTTP/1.1) -> 400 JSON from the clientError handler', async () => {
    const r = await rawSocket(server.port, `GET /\x01 HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n\r\n`);
    expect(r).toMatch(/^HTTP\/1\.1 400 Bad Request[\s\S]*\{"error":\{"code":"bad-request","message":"http: malformed request \(HPE_INVALID_URL\)"\}\}$/);
  });

  it('refuses to bind 0.0.0.0 without a token', async () => {
    await expect(startServer(service, { host: '0.0.0.0', port: 0 })).rejects.toThrow(/needs an access token/);
  });

  it('refuses a token shorter than 16 characters ("short")', async () => {
    await expect(startServer(service, { host: '0.0.0.0', port: 0, token: 'short' })).rejects.toThrow(/16 characters/);
  });

  describe('with token', () => {
    const token = 'a-test-token-0123456789';
    let s: RunningServer;
    beforeAll(async () => { s = await startServer(service, { host: '0.0.0.0', port: 0, token, staticDir: path.join(dir, 'ui') }); });
    afterAll(async () => { await s.close(); });

    it('the printed URL carries the token', () => { expect(s.url).toContain(`token=${token}`); });

    it.each([
      ['no token', {}],
      ['a wrong token of equal length', { Authorization: `Bearer ${token.replace(/.$/, 'X')}` }],
      ['a prefix of the token', { Authorization: `Bearer ${token.slice(0, 8)}` }],
    ])('API request with %s -> 401', async (_label, headers) => {
      const r = await post(`http://127.0.0.1:${s.port}`, 'app:info', '{}', headers as Record<string, string>);
      expect(r.status).toBe(401);
    });

    it('API request with Bearer token -> 200; static page with ?token sets an HttpOnly cookie', async () => {
      expect((await post(`http://127.0.0.1:${s.port}`, 'app:info', '{}', { Authorization: `Bearer ${token}` })).status).toBe(200);
      const page = await raw(`http://127.0.0.1:${s.port}`, `/?token=${token}`);
      expect(page.status).toBe(200);
      const cookie = String(page.headers['set-cookie']);
      expect(cookie).toMatch(/HttpOnly/);
      expect((await raw(`http://127.0.0.1:${s.port}`, '/assets/app.js', { headers: { Cookie: cookie.split(';')[0] } })).status).toBe(200);
      expect((await raw(`http://127.0.0.1:${s.port}`, '/assets/app.js')).status).toBe(401);
      // The page's own API calls carry the cookie, not a header.
      expect((await post(`http://127.0.0.1:${s.port}`, 'app:info', '{}', { Cookie: cookie.split(';')[0] })).status).toBe(200);
    });

    it('WebSocket upgrade needs the token: without -> 403, with ?token -> 101', async () => {
      const bare = await wsOpen(`ws://127.0.0.1:${s.port}/events`);
      expect(bare.status).toBe(403);
      const ok = await wsOpen(`ws://127.0.0.1:${s.port}/events?token=${token}`);
      expect(ok.status).toBe(101);
      ok.ws.close();
    });
  });
});
