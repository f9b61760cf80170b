import { describe, expect, it } from 'vitest';
import { IPC_EVENT, IPC_INVOKE, setupIpc, type InvokeEventLike, type IpcMainLike, type IpcResult, type WebContentsLike } from '../../src-main/transport/ipc.js';
import { createFakeService } from './fake-service.js';

type Handler = (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>;

function fakeIpcMain(): IpcMainLike & { handlers: Map<string, Handler> } {
  const handlers = new Map<string, Handler>();
  return { handlers, handle: (c, l) => { handlers.set(c, l); }, removeHandler: (c) => { handlers.delete(c); } };
}
function contents(id: number): WebContentsLike & { sent: unknown[] } {
  const sent: unknown[] = [];
  return { id, sent, isDestroyed: () => false, send: (channel, frame) => { sent.push({ channel, frame }); } };
}

describe('setupIpc', () => {
  const service = createFakeService();
  const ipc = fakeIpcMain();
  const win = contents(1);
  const off = setupIpc(ipc, service, { appContents: () => [win] });
  const invoke = (sender: WebContentsLike, ...args: unknown[]) => ipc.handlers.get(IPC_INVOKE)!({ sender }, ...args) as Promise<IpcResult>;

  it('app window invoking app:info gets {ok: true, value}', async () => {
    expect(await invoke(win, 'app:info', {})).toEqual({ ok: true, value: { version: 'test', backend: 'cpu', workers: 1, dbPath: ':memory:' } });
  });

  it('unknown channel "shell:exec" -> ok:false not-found (no exception across the bridge)', async () => {
    expect(await invoke(win, 'shell:exec', {})).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('bad payload runs:get {id: "../x"} -> ok:false bad-request naming id', async () => {
    const r = await invoke(win, 'runs:get', { id: '../x' });
    expect(r.ok).toBe(false);
    if (!r.ok) { expect(r.error.code).toBe('bad-request'); expect(r.error.message).toMatch(/id/); }
  });

  it('a sender that is not an app window (id 99) is refused before dispatch', async () => {
    const before = service.calls.length;
    expect(await invoke(contents(99), 'app:info', {})).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(service.calls.length).toBe(before);
  });

  it.each([[null], [undefined], [{}], [{ sender: null }], [{ sender: { id: '1' } }]])('a malformed invoke event %j resolves ok:false unauthorized, never throws', async (event) => {
    const handler = ipc.handlers.get(IPC_INVOKE)!;
    await expect(handler(event as unknown as InvokeEventLike, 'app:info', {})).resolves.toMatchObject({ ok: false, error: { code: 'unauthorized' } });
  });

  it('a window whose send throws does not stop the events of the other windows', () => {
    const svc = createFakeService();
    const broken: WebContentsLike = { id: 7, isDestroyed: () => false, send: () => { throw new Error('render process gone'); } };
    const ok = contents(8);
    const logged: string[] = [];
    const undo = setupIpc(fakeIpcMain(), svc, { appContents: () => [broken, ok], log: (m) => logged.push(m) });
    svc.emit('run:status', { id: 'r1', status: 'running', error: null });
    expect(ok.sent).toHaveLength(1);
    expect(logged).toEqual(['setupIpc: event run:status not sent to window 7: render process gone']);
    undo();
  });

  it('service events reach app windows on ascl:event; after teardown they stop and the handler is gone', () => {
    service.emit('run:epoch', { id: 'r1', row: { epoch: 1, natAccuracy: 0.5, pgdAccuracy: 0.2, trainAccuracy: 0.6, learningRate: 1e-3, seconds: 1, terms: {} } });
    expect(win.sent).toHaveLength(1);
    expect(win.sent[0]).toMatchObject({ channel: IPC_EVENT, frame: { event: 'run:epoch', payload: { id: 'r1' } } });
    off();
    service.emit('run:status', { id: 'r1', status: 'failed', error: 'x' });
    expect(win.sent).toHaveLength(1);
    expect(ipc.handlers.has(IPC_INVOKE)).toBe(false);
  });
});
