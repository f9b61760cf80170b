/**
 * Runs the Electron main process (src-main/electron/main.ts) against a hand-written Electron
 * mock (as electron/fiddle's tests do): the real service on a temporary store, the real IPC
 * transport. Checks the window it opens, the guards on it, the menu, and an API call through IPC.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildPreload, buildRenderer } from '../../src-main/launch.js';
import { windowOptions } from '../../src-main/electron/window-options.js';
import type { IpcResult } from '../../src-main/transport/ipc.js';

type Listener = (...args: unknown[]) => unknown;
interface MockWindow {
  options: ReturnType<typeof windowOptions>;
  loaded: string | null;
  webContents: { id: number; sent: unknown[]; listeners: Map<string, Listener>; openHandler: Listener | null };
}
const electron = vi.hoisted(() => ({
  windows: [] as MockWindow[],
  ipc: new Map<string, Listener>(),
  app: new Map<string, Listener>(),
  menu: null as unknown,
  session: { permission: null as Listener | null, request: null as Listener | null },
}));

vi.mock('electron', () => {
  class BrowserWindow {
    options: unknown; loaded: string | null = null;
    webContents = {
      id: electron.windows.length + 1, sent: [] as unknown[], listeners: new Map<string, Listener>(), openHandler: null as Listener | null,
      isDestroyed: () => false,
      send(channel: string, frame: unknown) { this.sent.push({ channel, frame }); },
      setWindowOpenHandler(h: Listener) { this.openHandler = h; },
      on(e: string, l: Listener) { this.listeners.set(e, l); },
    };
    constructor(options: unknown) { this.options = options; electron.windows.push(this as unknown as MockWindow); }
    static getAllWindows() { return electron.windows; }
    loadFile(f: string) { this.loaded = f; return Promise.resolve(); }
    once() {}
    show() {}
    isDestroyed() { return false; }
  }
  const api = {
    app: { whenReady: () => Promise.resolve(), on: (e: string, f: Listener) => { electron.app.set(e, f); }, quit: () => {}, getVersion: () => '0.0.0' },
    BrowserWindow,
    Menu: { buildFromTemplate: (t: unknown[]) => ({ template: t }), setApplicationMenu: (m: unknown) => { electron.menu = m; } },
    ipcMain: { handle: (c: string, l: Listener) => { electron.ipc.set(c, l); }, removeHandler: (c: string) => { electron.ipc.delete(c); } },
    session: { defaultSession: {
      setPermissionRequestHandler: (h: Listener) => { electron.session.permission = h; }, setPermissionCheckHandler: () => {},
      webRequest: { onBeforeRequest: (l: Listener) => { electron.session.request = l; } },
    } },
  };
  return { default: api, ...api };
});

let home: string;
beforeAll(async () => {
  home = await mkdtemp(path.join(tmpdir(), 'ascl-electron-'));
  process.env.ASCL_HOME = home;
  // main.ts refuses to start without the built preload and renderer, as it should.
  await Promise.all([buildPreload(), buildRenderer()]);
  await import('../../src-main/electron/main.js');
});
afterAll(async () => {
  await electron.app.get('will-quit')?.();
  await new Promise((r) => setTimeout(r, 200));
  await rm(home, { recursive: true, force: true });
});

describe('Electron main process (mocked Electron)', () => {
  it('opens one window with the hardened options, loading the built renderer from disk', () => {
    expect(electron.windows).toHaveLength(1);
    const w = electron.windows[0];
    expect(w.options).toEqual(windowOptions(w.options.webPreferences.preload));
    expect(w.options.webPreferences.preload).toMatch(/dist[\\/]electron[\\/]preload\.cjs$/);
    expect(w.loaded).toMatch(/dist[\\/]renderer[\\/]index\.html$/);
  });

  it('denies window.open and navigation on that window, and every permission and remote request', () => {
    const wc = electron.windows[0].webContents;
    expect(wc.openHandler!({ url: 'https://evil.example' })).toEqual({ action: 'deny' });
    let prevented = false;
    wc.listeners.get('will-navigate')!({ preventDefault: () => { prevented = true; } }, 'https://evil.example');
    expect(prevented).toBe(true);
    let granted: boolean | null = null;
    electron.session.permission!(null, 'geolocation', (g: boolean) => { granted = g; });
    expect(granted).toBe(false);
    let cancel: boolean | null = null;
    electron.session.request!({ url: 'https://cdn.example/x.js' }, (r: { cancel: boolean }) => { cancel = r.cancel; });
    expect(cancel).toBe(true);
  });

  it('sets the application menu (File, Edit, View, Window)', () => {
    const labels = (electron.menu as { template: Array<{ label?: string; role?: string }> }).template.map((m) => m.label ?? m.role);
    expect(labels).toEqual(expect.arrayContaining(['File', 'editMenu', 'View', 'windowMenu']));
  });

  it('app:info through ascl:invoke from the window answers the real service; another sender is refused', async () => {
    const invoke = electron.ipc.get('ascl:invoke')!;
    const ok = await invoke({ sender: electron.windows[0].webContents }, 'app:info', {}) as IpcResult;
    expect(ok.ok).toBe(true);
    if (ok.ok) expect((ok.value as { dbPath: string }).dbPath).toBe(path.join(home, 'ascl.db'));
    const refused = await invoke({ sender: { id: 999 } }, 'app:info', {}) as IpcResult;
    expect(refused).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
  });
});
