/**
 * Preload (sandboxed, bundled to one CommonJS file by src-main/launch.ts): exposes exactly one
 * narrow object, `window.ascl` (AsclBridge), through contextBridge. No ipcRenderer, no Node APIs
 * reach the page; channel names are checked against the API's list before anything is sent.
 */
import { API_CHANNELS, API_EVENTS } from '../shared/channels.js';
import { BRIDGE_KEY, IPC_EVENT, IPC_INVOKE, type AsclBridge, type IpcEventFrame, type IpcResult } from '../shared/bridge.js';

interface PreloadElectron {
  contextBridge: { exposeInMainWorld(key: string, api: unknown): void };
  ipcRenderer: {
    invoke(channel: string, ...args: unknown[]): Promise<unknown>;
    on(channel: string, listener: (event: unknown, frame: unknown) => void): void;
    removeListener(channel: string, listener: (event: unknown, frame: unknown) => void): void;
  };
}
// A sandboxed preload gets Electron's limited require, not ES imports of 'electron'.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the bundle is CommonJS by design
const { contextBridge, ipcRenderer } = require('electron') as PreloadElectron;

const channels = new Set<string>(API_CHANNELS);
const events = new Set<string>(API_EVENTS);

const bridge: AsclBridge = {
  invoke(channel, payload) {
    if (!channels.has(channel)) return Promise.resolve<IpcResult>({ ok: false, error: { code: 'not-found', message: `preload: unknown channel ${JSON.stringify(channel)}` } });
    return ipcRenderer.invoke(IPC_INVOKE, channel, payload) as Promise<IpcResult>;
  },
  onEvent(listener) {
    const wrapped = (_e: unknown, frame: unknown): void => {
      const f = frame as IpcEventFrame;
      if (f && typeof f === 'object' && events.has(f.event)) listener(f);
    };
    ipcRenderer.on(IPC_EVENT, wrapped);
    return () => ipcRenderer.removeListener(IPC_EVENT, wrapped);
  },
};

contextBridge.exposeInMainWorld(BRIDGE_KEY, bridge);
