/** A local HTTP server standing in for the coordinator's worker API: logs every request, fails the first N on demand. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fromWireJson } from '../../src-main/queue/wire-json.js';

export interface Received { method: string; route: string; query: URLSearchParams; body: unknown; bytes: Buffer; auth: string | undefined }
/** What to do with a request: a status and JSON body, or 'drop' (the socket is destroyed: no reply). */
export type Reply = { status: number; body: unknown } | { status: number; raw: Buffer; headers: Record<string, string> } | 'drop';

export interface FakeCoordinator {
  url: string;
  /** Every request that got a reply (a dropped one is counted in `dropped`). */
  received: Received[];
  dropped: number;
  close(): Promise<void>;
}

export async function startFakeCoordinator(handler: (r: Received, n: number) => Reply): Promise<FakeCoordinator> {
  const fake: FakeCoordinator = { url: '', received: [], dropped: 0, close: async () => {} };
  let n = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const bytes = Buffer.concat(chunks);
      const u = new URL(req.url ?? '/', 'http://x');
      const type = req.headers['content-type'] ?? '';
      const body = type.includes('json') && bytes.length > 0 ? fromWireJson(bytes.toString('utf8')) : null;
      const r: Received = { method: req.method ?? '', route: u.pathname, query: u.searchParams, body, bytes, auth: req.headers.authorization };
      const reply = handler(r, n++);
      if (reply === 'drop') { fake.dropped++; req.socket.destroy(); return; }
      fake.received.push(r);
      if ('raw' in reply) {
        res.writeHead(reply.status, { 'content-type': 'application/octet-stream', ...reply.headers });
        res.end(reply.raw);
        return;
      }
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); });
  return fake;
}
