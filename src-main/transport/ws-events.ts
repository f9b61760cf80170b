/**
 * The WebSocket half of the HTTP transport: every ApiEvent of the service is pushed to every
 * connected client as one JSON text frame `{ "event": name, "payload": {...} }`.
 * Clients only listen; anything they send is ignored.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { API_EVENTS, type ApiEventSource } from '../shared/channels.js';

export interface EventSocketOptions {
  /** Returns null to accept the upgrade, or the reason it is refused. */
  authorize(req: IncomingMessage): string | null;
}

export function attachEventSocket(server: Server, source: ApiEventSource, options: EventSocketOptions): { close(): void } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  const clients = new Set<WebSocket>();

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://placeholder').pathname;
    const refused = path === '/events' ? options.authorize(req) : 'no WebSocket at this path';
    if (refused) {
      const status = path === '/events' ? '403 Forbidden' : '404 Not Found';
      socket.end(`HTTP/1.1 ${status}\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${refused}\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      clients.add(ws);
      ws.on('close', () => clients.delete(ws));
      ws.on('error', () => clients.delete(ws));
    });
  });

  const unsubscribe = API_EVENTS.map((event) => source.on(event, (payload) => {
    const frame = JSON.stringify({ event, payload });
    for (const ws of clients) if (ws.readyState === ws.OPEN) ws.send(frame);
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
