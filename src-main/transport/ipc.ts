/**
 * The Electron IPC transport of the one API: a single `ascl:invoke` handler that calls the shared
 * dispatch (same channel list, same validation as HTTP), and every ApiEvent forwarded to the
 * app's windows on `ascl:event`. Electron is typed structurally here so this file (and its test)
 * needs no Electron install.
 */
import { dispatch, toErrorBody } from '../api/dispatch.js';
import { API_EVENTS, type ApiService } from '../shared/channels.js';
import { IPC_EVENT, IPC_INVOKE, type IpcEventFrame, type IpcResult } from '../shared/bridge.js';

export { IPC_EVENT, IPC_INVOKE, type IpcEventFrame, type IpcResult };

/** The parts of Electron's ipcMain, WebContents and BrowserWindow this transport uses. */
export interface WebContentsLike { id: number; isDestroyed(): boolean; send(channel: string, frame: unknown): void }
export interface InvokeEventLike { sender: WebContentsLike; senderFrame?: { url: string } | null }
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export interface IpcOptions {
  /** The web contents of the app's own windows; messages from any other sender are refused. */
  appContents(): WebContentsLike[];
  /** Where failures to forward an event are logged; default stderr. */
  log?: (message: string) => void;
}

/**
 * Registers the handler and the event forwarding; returns the function that undoes both.
 * Failures never propagate as exceptions: they come back as `{ ok: false, error }` with a code,
 * whatever the event, channel and payload (a malformed event without a sender included).
 */
export function setupIpc(ipcMain: IpcMainLike, service: ApiService, options: IpcOptions): () => void {
  const log = options.log ?? ((m: string) => console.error(m));
  ipcMain.handle(IPC_INVOKE, async (event, channel, payload): Promise<IpcResult> => {
    try {
      // Only accept messages from windows created by the app (as electron/fiddle's ipc.ts).
      const senderId: unknown = (event as Partial<InvokeEventLike> | null | undefined)?.sender?.id;
      if (typeof senderId !== 'number' || !options.appContents().some((c) => c.id === senderId)) {
        return { ok: false, error: { code: 'unauthorized', message: `${IPC_INVOKE}: sender ${String(senderId)} is not an app window` } };
      }
      return { ok: true, value: await dispatch(service, channel, payload) };
    } catch (err) {
      return { ok: false, error: toErrorBody(err).error };
    }
  });
  const unsubscribe = API_EVENTS.map((name) => service.on(name, (payload) => {
    const frame: IpcEventFrame = { event: name, payload };
    let targets: WebContentsLike[];
    try { targets = options.appContents(); } catch (err) { log(`setupIpc: cannot list the app windows for ${name}: ${(err as Error).message}`); return; }
    for (const c of targets) {
      try { if (!c.isDestroyed()) c.send(IPC_EVENT, frame); } catch (err) { log(`setupIpc: event ${name} not sent to window ${c.id}: ${(err as Error).message}`); }
    }
  }));
  return () => {
    ipcMain.removeHandler(IPC_INVOKE);
    for (const off of unsubscribe) off();
  };
}
