/**
 * The renderer's two API clients against the two transports: the HTTP+WebSocket client talking
 * to startServer, and the bridge client over setupIpc with an in-memory ipcMain/ipcRenderer pair.
 * Both must return the service's values, raise ApiClientError with the service's code, and deliver events.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ApiClientError, type ApiClient } from '../../src-renderer/src/api/client.js';
import { createBridgeClient } from '../../src-renderer/src/api/bridge-client.js';
import { createHttpClient } from '../../src-renderer/src/api/http-client.js';
import type { AsclBridge } from '../../src-main/shared/bridge.js';
import { startServer, type RunningServer } from '../../src-main/transport/http.js';
import { IPC_EVENT, IPC_INVOKE, setupIpc, type InvokeEventLike, type IpcEventFrame, type IpcResult } from '../../src-main/transport/ipc.js';
import { createFakeService } from './fake-service.js';

/** Runs the same checks on either client. */
function clientContract(name: string, make: () => Promise<{ client: ApiClient; service: ReturnType<typeof createFakeService>; close(): Promise<void> }>): void {
  describe(name, () => {
    let ctx: Awaited<ReturnType<typeof make>>;
    beforeAll(async () => { ctx = await make(); });
    afterAll(async () => { await ctx.close(); });

    it('app:info returns the service value', async () => {
      expect(await ctx.client.call('app:info', {})).toEqual({ version: 'test', backend: 'cpu', workers: 1, dbPath: ':memory:' });
    });

    it('runs:get {id: "nope"} rejects with ApiClientError code not-found naming the id', async () => {
      const err = await ctx.client.call('runs:get', { id: 'nope' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiClientError);
      expect((err as ApiClientError).code).toBe('not-found');
      expect((err as ApiClientError).message).toMatch(/nope/);
    });

    it('runs:list {limit: -1} rejects with code bad-request', async () => {
      const err = await ctx.client.call('runs:list', { limit: -1 }).catch((e: unknown) => e);
      expect((err as ApiClientError).code).toBe('bad-request');
    });

    it('run:epoch events reach on() listeners; unsubscribed listeners stop', async () => {
      await expect.poll(() => ctx.client.connection()).toBe('live');
      const got: number[] = [];
      const off = ctx.client.on('run:epoch', (e) => got.push(e.row.epoch));
      const row = (epoch: number) => ({ id: 'r1', row: { epoch, natAccuracy: 0.5, pgdAccuracy: 0.2, trainAccuracy: 0.6, learningRate: 1e-3, seconds: 1, terms: {} } });
      ctx.service.emit('run:epoch', row(1));
      await expect.poll(() => got).toEqual([1]);
      off();
      ctx.service.emit('run:epoch', row(2));
      await new Promise((r) => setTimeout(r, 100));
      expect(got).toEqual([1]);
    });
  });
}

clientContract('createHttpClient over startServer', async () => {
  // Node 20 has fetch but no global WebSocket: the browser's is stood in for by ws.
  (globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;
  const service = createFakeService();
  const server: RunningServer = await startServer(service, { port: 0, staticDir: '/nonexistent' });
  const client = createHttpClient(new URL(server.url));
  return { client, service, close: () => server.close() };
});

clientContract('createBridgeClient over setupIpc', async () => {
  const service = createFakeService();
  let handler: ((e: InvokeEventLike, ...a: unknown[]) => Promise<unknown>) | null = null;
  const rendererListeners = new Set<(frame: IpcEventFrame) => void>();
  const contents = { id: 7, isDestroyed: () => false, send: (ch: string, frame: unknown) => { if (ch === IPC_EVENT) for (const l of rendererListeners) l(frame as IpcEventFrame); } };
  const off = setupIpc({ handle: (ch, l) => { if (ch === IPC_INVOKE) handler = l; }, removeHandler: () => { handler = null; } }, service, { appContents: () => [contents] });
  // What the preload exposes, with Electron's structured clone of every message in between.
  const clone = <T>(v: T): T => structuredClone(v);
  const bridge: AsclBridge = {
    invoke: async (channel, payload) => clone(await handler!({ sender: contents }, channel, clone(payload))) as IpcResult,
    onEvent: (l) => { rendererListeners.add(l); return () => rendererListeners.delete(l); },
  };
  return { client: createBridgeClient(bridge), service, close: async () => off() };
});
