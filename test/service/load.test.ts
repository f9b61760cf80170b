/**
 * Under load: 8 runs queued through the HTTP API on a service with 2 workers, with a UI
 * client connected over WebSocket and polling runs:list meanwhile: all complete, none lost, every
 * epoch stored once and pushed to the client once. Fake engine (service/fixtures/fake-engine.ts).
 */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RunSummary } from '../../src-main/shared/channels.js';
import { startServer, type RunningServer } from '../../src-main/transport/http.js';
import type { AppService } from '../../src-main/service/app-service.js';
import { doctor } from '../../src-main/store/index.js';
import { fakeService, tempDir, SMALL } from './helpers.js';

let service: AppService | null = null;
let server: RunningServer | null = null;
afterAll(async () => { await server?.close(); await service?.close(); });

async function post<T>(base: string, channel: string, body: unknown): Promise<T> {
  const res = await fetch(new URL(`/api/${channel}`, base), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await res.json()) as T;
  if (!res.ok) throw new Error(`${channel}: HTTP ${res.status} ${JSON.stringify(json)}`);
  return json;
}

describe('8 queued runs on 2 workers with the UI connected (HTTP + WebSocket)', () => {
  it('all 8 complete with epochs 1..3 once each; the WebSocket client sees 8 completions and 24 epochs; none lost', async () => {
    service = await fakeService(path.join(tempDir(), 'a.db'), { workers: 2 });
    server = await startServer(service, { host: '127.0.0.1', port: 0 });
    const base = server.url;
    const ws = new WebSocket(new URL('/events', base.replace('http', 'ws')));
    await new Promise<void>((res, rej) => { ws.once('open', () => res()); ws.once('error', rej); });
    const completed = new Set<string>();
    const epochs: string[] = [];
    let running = 0;
    let maxRunning = 0;
    const allDone = new Promise<void>((resolve) => {
      ws.on('message', (data: Buffer) => {
        const f = JSON.parse(data.toString()) as { event: string; payload: { id: string; status?: string; row?: { epoch: number } } };
        if (f.event === 'run:epoch') epochs.push(`${f.payload.id}#${f.payload.row!.epoch}`);
        if (f.event === 'run:status') {
          if (f.payload.status === 'running') maxRunning = Math.max(maxRunning, ++running);
          if (f.payload.status === 'completed') { running--; completed.add(f.payload.id); if (completed.size === 8) resolve(); }
        }
      });
    });
    const { ids } = await post<{ ids: string[] }>(base, 'runs:sweep', { name: 'load', config: { ...SMALL }, axes: { selection: ['global', 'hard', 'soft', 'leaked'], seed: [1, 2] } });
    expect(ids.length).toBe(8);
    // The UI refreshes its run list while the queue works.
    let polls = 0;
    const poller = setInterval(() => { void post<RunSummary[]>(base, 'runs:list', {}).then(() => { polls++; }); }, 100);
    await allDone;
    clearInterval(poller);
    ws.close();
    expect([...completed].sort()).toEqual([...ids].sort());
    expect(maxRunning).toBe(2);
    expect(epochs.length).toBe(24);
    expect(new Set(epochs).size).toBe(24);
    expect(polls).toBeGreaterThan(0);
    const list = await post<RunSummary[]>(base, 'runs:list', {});
    expect(list.filter((r) => ids.includes(r.id)).map((r) => [r.status, r.epochsDone])).toEqual(Array(8).fill(['completed', 3]));
    for (const id of ids) expect(service.store.epochs(id).map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(doctor(service.store).problems).toEqual([]);
    const table = await post<{ rows: Array<{ n: number }> }>(base, 'compare:table', { runIds: ids });
    expect(table.rows.map((r) => r.n)).toEqual([2, 2, 2, 2]);
  });
});
