/**
 * The HTTP + WebSocket transport of the one API (src-main/shared/channels.ts):
 *   POST /api/<channel>  JSON body -> dispatch -> JSON (errors as ApiErrorBody with a status code)
 *   GET  /events         WebSocket pushing every ApiEvent as {"event": name, "payload": {...}}
 *   GET  /...            the built renderer (static files)
 * Loopback by default; any other address needs a token (see security.ts).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { ApiError, dispatch, toErrorBody } from '../api/dispatch.js';
import type { ApiErrorBody, ApiService } from '../shared/channels.js';
import {
  SECURITY_HEADERS, TOKEN_COOKIE, allowedHosts, hostAllowed, isLoopbackHost, originAllowed, requestToken, tokenMatches,
} from './security.js';
import { resolveStatic, sendFile } from './static-files.js';
import { attachEventSocket } from './ws-events.js';

/** Where `npm run build:renderer` writes the UI. */
export const DEFAULT_STATIC_DIR = fileURLToPath(new URL('../../dist/renderer/', import.meta.url));
export const MAX_BODY_BYTES = 1024 * 1024;

export interface ServerOptions {
  host?: string;
  /** 0 picks a free port. */
  port: number;
  /** Required when host is not a loopback address. */
  token?: string;
  staticDir?: string;
  maxBodyBytes?: number;
}

export interface RunningServer { url: string; host: string; port: number; close(): Promise<void> }

const STATUS: Readonly<Record<ApiErrorBody['error']['code'], number>> = {
  'bad-request': 400, unauthorized: 401, 'not-found': 404, conflict: 409, 'too-large': 413, internal: 500,
};

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
  res.end(text);
}

function sendError(res: ServerResponse, err: unknown): void {
  const body = toErrorBody(err);
  sendJson(res, STATUS[body.error.code], body);
}

/** Reads the body, refusing more than limit bytes (413) without buffering the excess. */
function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(new ApiError('too-large', `request body of ${declared} bytes is over the ${limit}-byte limit`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) { req.pause(); reject(new ApiError('too-large', `request body is over the ${limit}-byte limit`)); return; }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

async function handleApi(service: ApiService, req: IncomingMessage, res: ServerResponse, channel: string, limit: number): Promise<void> {
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    sendJson(res, 405, { error: { code: 'bad-request', message: `${req.method} /api/${channel}: use POST with a JSON body` } });
    return;
  }
  // A JSON content type forces a CORS preflight from any other origin, which this server never grants.
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) throw new ApiError('bad-request', `POST /api/${channel}: Content-Type must be application/json (got ${JSON.stringify(type)})`);
  const text = await readBody(req, limit);
  let payload: unknown = {};
  if (text.trim() !== '') {
    try { payload = JSON.parse(text); } catch (err) {
      throw new ApiError('bad-request', `POST /api/${channel}: malformed JSON body: ${(err as Error).message}`);
    }
  }
  const result = await dispatch(service, channel, payload);
  sendJson(res, 200, result ?? null);
}

export async function startServer(service: ApiService, options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token && options.token.length > 0 ? options.token : undefined;
  const loopback = isLoopbackHost(host);
  if (!loopback && !token) {
    throw new Error(`startServer: binding ${JSON.stringify(host)} (not loopback) needs an access token; pass --token or bind 127.0.0.1`);
  }
  if (token && token.length < 16) throw new Error(`startServer: the access token must have at least 16 characters (got ${token.length})`);
  const staticDir = options.staticDir ?? DEFAULT_STATIC_DIR;
  const limit = options.maxBodyBytes ?? MAX_BODY_BYTES;
  let hosts = new Set<string>();

  const authorized = (req: IncomingMessage, url: URL): boolean => !token || tokenMatches(token, requestToken(req, url));
  const server = createServer((req, res) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://placeholder');
      if (!hostAllowed(req, hosts, !loopback)) { sendJson(res, 421, { error: { code: 'bad-request', message: `unexpected Host header ${JSON.stringify(req.headers.host)}` } }); return; }
      if (!authorized(req, url)) throw new ApiError('unauthorized', 'this server needs an access token (open the URL printed by ascl serve, with ?token=...)');
      if (url.pathname.startsWith('/api/')) {
        if (!originAllowed(req)) throw new ApiError('unauthorized', `cross-origin request from ${JSON.stringify(req.headers.origin)} refused`);
        await handleApi(service, req, res, url.pathname.slice('/api/'.length), limit);
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') { res.setHeader('Allow', 'GET, HEAD'); sendJson(res, 405, { error: { code: 'bad-request', message: `${req.method} is not allowed here` } }); return; }
      const found = await resolveStatic(staticDir, url.pathname);
      if (found.status !== 200) { sendJson(res, found.status, { error: { code: found.status === 400 ? 'bad-request' : 'not-found', message: found.reason } }); return; }
      // A token given in the URL becomes a same-site cookie, so the page's scripts, styles and API calls carry it.
      if (token && url.searchParams.has('token')) res.setHeader('Set-Cookie', `${TOKEN_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict`);
      sendFile(res, found, req.method === 'HEAD');
    })().catch((err: unknown) => {
      if (res.headersSent) { res.destroy(); return; }
      if (err instanceof ApiError && err.code === 'too-large') res.setHeader('Connection', 'close');
      sendError(res, err);
    });
  });
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;

  const events = attachEventSocket(server, service, {
    authorize: (req) => {
      const url = new URL(req.url ?? '/', 'http://placeholder');
      if (!hostAllowed(req, hosts, !loopback)) return 'unexpected Host header';
      if (!originAllowed(req)) return `origin ${JSON.stringify(req.headers.origin)} refused`;
      if (!authorized(req, url)) return 'missing or wrong access token';
      return null;
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => { server.off('error', reject); resolve(); });
  });
  const port = (server.address() as AddressInfo).port;
  hosts = allowedHosts(host, port);
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const url = `http://${shownHost}:${port}/${token ? `?token=${encodeURIComponent(token)}` : ''}`;
  return {
    url, host, port,
    close: async () => {
      events.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
