/**
 * The HTTP + WebSocket transport of the one API (src-main/api/channels.ts):
 *   POST /api/<channel>  JSON body -> dispatch -> JSON (errors as ApiErrorBody with a status code)
 *   GET  /events         WebSocket pushing every ApiEvent as {"event": name, "payload": {...}}
 *   GET  /...            the built renderer (static files)
 * Loopback by default; any other address needs a token (see security.ts).
 * No request can end the process: every listener (server, sockets, requests, responses) has an
 * error path, client errors answer 4xx with a JSON ApiErrorBody, and answers carry no server paths.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { ApiError, dispatch, isApiChannel } from '../api/dispatch.js';
import type { ApiResponses, ApiService } from '../shared/channels.js';
import { defaultHome } from '../common/app-home.js';
import { clientErrorReply, readBody, sendError, sendJson } from './http-replies.js';
import { pathRedactor, type Redactor } from './redact.js';
import { badTargetMessage, parseTarget } from './request-target.js';
import {
  SECURITY_HEADERS, TOKEN_COOKIE, allowedHosts, hostAllowed, isLoopbackHost, originAllowed, requestToken, tokenMatches,
} from './security.js';
import { resolveStatic, sendFile } from './static-files.js';
import { attachEventSocket, isPeerGone, type UpgradeRefusal } from './ws-events.js';

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
  /** Folders shown to clients as `<app home>` (the store's folder); the default application folder is always one. */
  appHomes?: string[];
  /** Where server-side failures (500s, socket errors) are logged; default stderr. */
  log?: (message: string) => void;
  /**
   * Requests under a prefix handed to another handler after the Host and token checks (distributed mode's
   * /worker/ API, queue/worker-api.ts); it answers itself or throws an ApiError answered here.
   */
  routes?: Array<{ prefix: string; handle: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> }>;
  /** The most a whole request may take (default 60 s); a coordinator receiving checkpoint uploads needs longer. */
  requestTimeoutMs?: number;
}

export interface RunningServer { url: string; host: string; port: number; close(): Promise<void> }

async function handleApi(service: ApiService, req: IncomingMessage, res: ServerResponse, channel: string, limit: number, redact: Redactor): Promise<void> {
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
  // dispatch resolved, so channel is one of ApiRequests and result is its answer.
  sendJson(res, 200, (isApiChannel(channel) ? redact.answer(channel, result as ApiResponses[typeof channel]) : result) ?? null);
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
  const log = options.log ?? ((m: string) => console.error(m));
  const redact = pathRedactor([...(options.appHomes ?? []), defaultHome()]);
  const quiet = (where: string) => (err: NodeJS.ErrnoException): void => { if (!isPeerGone(err)) log(`startServer: ${where}: ${err.message}`); };

  /** null when the request may pass, else why not (no token, a wrong one, or a malformed cookie). */
  const unauthorized = (req: IncomingMessage, url: URL): string | null => {
    if (!token) return null;
    const given = requestToken(req, url);
    if (!given.ok) return given.reason;
    return tokenMatches(token, given.token) ? null : 'this server needs an access token (open the URL printed by ascl serve, with ?token=...)';
  };
  // requireHostHeader off: a request without Host gets this handler's JSON 400, not Node's empty one.
  const server = createServer({ requireHostHeader: false }, (req, res) => {
    req.on('error', quiet('request'));
    res.on('error', quiet('response'));
    void (async () => {
      for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
      const url = parseTarget(req.url);
      if (url === null) throw new ApiError('bad-request', badTargetMessage(req.url));
      if (req.headers.host === undefined) throw new ApiError('bad-request', 'startServer: the request has no Host header');
      if (!hostAllowed(req, hosts, !loopback)) { sendJson(res, 421, { error: { code: 'bad-request', message: `unexpected Host header ${JSON.stringify(req.headers.host)}` } }); return; }
      const refused = unauthorized(req, url);
      if (refused) throw new ApiError('unauthorized', refused);
      const route = options.routes?.find((r) => url.pathname.startsWith(r.prefix));
      if (route) { await route.handle(req, res, url); return; }
      if (url.pathname.startsWith('/api/')) {
        if (!originAllowed(req)) throw new ApiError('unauthorized', `cross-origin request from ${JSON.stringify(req.headers.origin)} refused`);
        await handleApi(service, req, res, url.pathname.slice('/api/'.length), limit, redact);
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') { res.setHeader('Allow', 'GET, HEAD'); sendJson(res, 405, { error: { code: 'bad-request', message: `${req.method} is not allowed here` } }); return; }
      const found = await resolveStatic(staticDir, url.pathname);
      if (found.status !== 200) { sendJson(res, found.status, { error: { code: found.status === 400 ? 'bad-request' : 'not-found', message: found.reason } }); return; }
      // A token given in the URL becomes a same-site cookie, so the page's scripts, styles and API calls carry it.
      if (token && url.searchParams.has('token')) res.setHeader('Set-Cookie', `${TOKEN_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict`);
      sendFile(res, found, req.method === 'HEAD');
    })().catch((err: unknown) => {
      try {
        if (!(err instanceof ApiError)) log(`startServer: ${req.method} ${String(req.url).slice(0, 200)} failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
        if (res.headersSent) { res.destroy(); return; }
        if (err instanceof ApiError && err.code === 'too-large') res.setHeader('Connection', 'close');
        sendError(res, err, redact);
      } catch (inner) {
        log(`startServer: cannot answer ${req.method} ${String(req.url).slice(0, 200)}: ${(inner as Error).message}`);
        res.destroy();
      }
    });
  });
  server.headersTimeout = 20_000;
  server.requestTimeout = options.requestTimeoutMs ?? 60_000;
  server.on('connection', (socket: Socket) => { socket.on('error', quiet('socket')); });
  // An Expect header other than 100-continue: 417 with a JSON body (Node's default has none).
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    req.on('error', quiet('request'));
    res.on('error', quiet('response'));
    sendJson(res, 417, { error: { code: 'bad-request', message: `startServer: unsupported Expect header ${JSON.stringify(String(req.headers.expect).slice(0, 100))}` } });
  });
  // Requests the HTTP parser refuses (bad request line, header overflow, timeouts): a JSON 4xx, never an exception.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket & { _httpMessage?: ServerResponse | null }) => {
    if (err.code === 'ECONNRESET' || !socket.writable || socket._httpMessage?.headersSent) { socket.destroy(); return; }
    socket.end(clientErrorReply(err));
  });

  const events = attachEventSocket(server, service, {
    authorize: (req, url): UpgradeRefusal | null => {
      if (!hostAllowed(req, hosts, !loopback)) return { status: 403, code: 'unauthorized', message: `unexpected Host header ${JSON.stringify(req.headers.host)}` };
      if (!originAllowed(req)) return { status: 403, code: 'unauthorized', message: `origin ${JSON.stringify(req.headers.origin)} refused` };
      const refused = unauthorized(req, url);
      return refused === null ? null : { status: 403, code: 'unauthorized', message: refused };
    },
    outgoing: (event, payload) => redact.event(event, payload),
    log,
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => { server.off('error', reject); resolve(); });
  });
  server.on('error', (err: Error) => log(`startServer: server error: ${err.message}`));
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
