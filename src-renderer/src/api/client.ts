/**
 * The renderer's one view of the API: typed from src-main/shared/channels.ts, with two
 * implementations (HTTP + WebSocket when served, the preload bridge in Electron).
 */
import type { ApiChannel, ApiErrorBody, ApiEvent, ApiEvents, ApiRequest, ApiResponses } from '../../../src-main/shared/channels.js';

export interface ApiClient {
  call<C extends ApiChannel>(channel: C, req: ApiRequest<C>): Promise<ApiResponses[C]>;
  on<E extends ApiEvent>(event: E, listener: (payload: ApiEvents[E]) => void): () => void;
  /** 'live' while events flow, 'offline' while the event stream is reconnecting. */
  connection(): 'live' | 'offline';
  onConnection(listener: (state: 'live' | 'offline') => void): () => void;
}

export class ApiClientError extends Error {
  override name = 'ApiClientError';
  constructor(readonly code: ApiErrorBody['error']['code'] | 'network', message: string) { super(message); }
}

/** Fan-out of events to listeners, shared by both implementations. */
export class Listeners {
  private readonly map = new Map<string, Set<(p: unknown) => void>>();
  add(event: string, fn: (p: unknown) => void): () => void {
    let set = this.map.get(event);
    if (!set) { set = new Set(); this.map.set(event, set); }
    set.add(fn);
    return () => { set.delete(fn); };
  }
  emit(event: string, payload: unknown): void {
    for (const fn of this.map.get(event) ?? []) {
      // One failing listener must not stop the others; report it where a developer will see it.
      try { fn(payload); } catch (err) { console.error(`event listener for ${event} failed`, err); }
    }
  }
}
