/**
 * The bridge contract between the Electron preload, the IPC transport and the renderer's client: the
 * one object the preload exposes (`window.ascl`), the two IPC channel names and the frames that cross
 * them. Types and constants only (no Electron, no Node), so every side imports it without a cycle.
 */
import type { ApiChannel, ApiErrorBody, ApiEvent, ApiEvents } from './channels.js';

/** What crosses the bridge: a value or an error body (Electron would flatten a thrown error to a string). */
export type IpcResult = { ok: true; value: unknown } | { ok: false; error: ApiErrorBody['error'] };
/** One service event as forwarded to the app's windows on IPC_EVENT. */
export interface IpcEventFrame<E extends ApiEvent = ApiEvent> { event: E; payload: ApiEvents[E] }

export interface AsclBridge {
  /** Calls one API channel; resolves with a value or an error body, never rejects for API errors. */
  invoke(channel: ApiChannel, payload: unknown): Promise<IpcResult>;
  /** Subscribes to every service event; returns the unsubscribe function. */
  onEvent(listener: (frame: IpcEventFrame) => void): () => void;
}

/** The property of `window` the preload exposes the bridge on. */
export const BRIDGE_KEY = 'ascl';
/** The two IPC channels: one generic invoke (every API channel goes through dispatch) and one event stream. */
export const IPC_INVOKE = 'ascl:invoke';
export const IPC_EVENT = 'ascl:event';
