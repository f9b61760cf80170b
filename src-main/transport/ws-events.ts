/**
 * The WebSocket half of the HTTP transport: every ApiEvent of the service is pushed to every
 * connected client as one JSON text frame `{ "event": name, "payload": {...} }`.
 * Clients only listen; anything they send (text, binary, malformed or oversized frames) is
 * ignored or closes that one connection. No upgrade request or frame can throw out of a listener:
 * refusals are answered with a status and a JSON error body, socket errors end that socket.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { API_EVENTS, type ApiErrorBody, type ApiEvent, type ApiEventSource, type ApiEvents } from '../shared/channels.js';
import { rawJsonReply } from './http-replies.js';
import { badTargetMessage, parseTarget } from './request-target.js';

export interface UpgradeRefusal { status: number; code: ApiErrorBody['error']['code']; message: string }

export interface EventSocketOptions {
  /** Returns null to accept the upgrade to /events, or the refusal. */
  authorize(req: IncomingMessage, url: URL): UpgradeRefusal | null;
  /** The frame payload sent for an event (the HTTP transport removes server paths). */
  outgoing?<E extends ApiEvent>(event: E, payload: ApiEvents[E]): ApiEvents[E];
  log(message: string): void;
}

/** Connection resets and writes after the peer left are the client's doing: not worth a log line. */
export const isPeerGone = (err: NodeJS.ErrnoException): boolean =>
  ['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_DESTROYED', 'ERR_STREAM_WRITE_AFTER_END'].includes(err.code ?? '');

/** Answers a refused upgrade on the raw socket with a JSON error body, then closes it. */
export function refuseUpgrade(socket: Duplex, r: UpgradeRefusal): void {
  if (!socket.writable) { socket.destroy(); return; }
  socket.end(rawJsonReply(r.status, { error: { code: r.code, message: r.message } }));
}

export function attachEventSocket(server: Server, source: ApiEventSource, options: EventSocketOptions): { close(): void } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  const clients = new Set<WebSocket>();
  const socketError = (where: string) => (err: NodeJS.ErrnoException): void => { if (!isPeerGone(err)) options.log(`${where}: ${err.message}`); };
  wss.on('error', socketError('attachEventSocket: WebSocket server'));
  // A handshake ws itself rejects (bad Sec-WebSocket-Key or version): 400 with a JSON body.
  wss.on('wsClientError', (err: Error, socket: Duplex) => {
    refuseUpgrade(socket, { status: 400, code: 'bad-request', message: `attachEventSocket: bad WebSocket handshake: ${err.message}` });
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', socketError('attachEventSocket: upgrade socket'));
    try {
      const url = parseTarget(req.url);
      const refused: UpgradeRefusal | null = url === null ? { status: 400, code: 'bad-request', message: badTargetMessage(req.url) }
        : req.method !== 'GET' ? { status: 405, code: 'bad-request', message: `attachEventSocket: a WebSocket upgrade uses GET (got ${JSON.stringify(String(req.method))})` }
        : url.pathname !== '/events' ? { status: 404, code: 'not-found', message: `attachEventSocket: no WebSocket at ${JSON.stringify(url.pathname.slice(0, 200))}; use /events` }
          : options.authorize(req, url);
      if (refused) { refuseUpgrade(socket, refused); return; }
      wss.handleUpgrade(req, socket, head, (ws) => {
        clients.add(ws);
        ws.on('close', () => clients.delete(ws));
        ws.on('error', (err: NodeJS.ErrnoException) => { clients.delete(ws); socketError('attachEventSocket: client')(err); });
      });
    } catch (err) {
      options.log(`attachEventSocket: upgrade of ${JSON.stringify(String(req.url).slice(0, 200))} failed: ${(err as Error).message}`);
      refuseUpgrade(socket, { status: 500, code: 'internal', message: 'attachEventSocket: the upgrade failed on the server' });
    }
  });

  const unsubscribe = API_EVENTS.map((event) => source.on(event, (payload) => {
    let frame: string;
    try {
      frame = JSON.stringify({ event, payload: options.outgoing ? options.outgoing(event, payload) : payload });
    } catch (err) {
      options.log(`attachEventSocket: event ${event} cannot be sent: ${(err as Error).message}`);
      return;
    }
    for (const ws of clients) {
      if (ws.readyState !== ws.OPEN) continue;
      try { ws.send(frame); } catch (err) { clients.delete(ws); socketError('attachEventSocket: send')(err as NodeJS.ErrnoException); }
    }
  }));

  return {
    close() {
      for (const off of unsubscribe) off();
      for (const ws of clients) ws.terminate();
      clients.clear();
      wss.close();
    },
  };
}
