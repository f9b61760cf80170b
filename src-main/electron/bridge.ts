/**
 * The one object the preload exposes to the renderer (`window.ascl`), typed from the API so
 * the preload, the IPC transport and the renderer's client cannot drift apart. Types only.
 */
import type { ApiChannel } from '../shared/channels.js';
import type { IpcEventFrame, IpcResult } from '../transport/ipc.js';

export interface AsclBridge {
  /** Calls one API channel; resolves with a value or an error body, never rejects for API errors. */
  invoke(channel: ApiChannel, payload: unknown): Promise<IpcResult>;
  /** Subscribes to every service event; returns the unsubscribe function. */
  onEvent(listener: (frame: IpcEventFrame) => void): () => void;
}

export const BRIDGE_KEY = 'ascl';
/** The two IPC channels: one generic invoke (every API channel goes through dispatch) and one event stream. */
export const IPC_INVOKE = 'ascl:invoke';
export const IPC_EVENT = 'ascl:event';
