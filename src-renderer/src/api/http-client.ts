/** ApiClient over HTTP (POST /api/<channel>) and a WebSocket at /events that reconnects with backoff. */
import type { ApiErrorBody } from '../../../src-main/shared/channels.js';
import { ApiClientError, Listeners, type ApiClient } from './client.js';

export function createHttpClient(base: URL = new URL(window.location.href)): ApiClient {
  const events = new Listeners();
  const conn = new Listeners();
  let state: 'live' | 'offline' = 'offline';
  let delay = 500;
  const setState = (s: 'live' | 'offline'): void => { if (s !== state) { state = s; conn.emit('state', s); } };

  const connect = (): void => {
    const url = new URL('/events', base);
    url.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:';
    url.search = '';
    const ws = new WebSocket(url);
    ws.onopen = () => { delay = 500; setState('live'); };
    ws.onmessage = (m) => {
      const frame = JSON.parse(String(m.data)) as { event: string; payload: unknown };
      events.emit(frame.event, frame.payload);
    };
    ws.onclose = () => {
      setState('offline');
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 10_000);
    };
  };
  connect();

  return {
    async call(channel, req) {
      let res: Response;
      try {
        res = await fetch(new URL(`/api/${channel}`, base), {
          method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(req), credentials: 'same-origin',
        });
      } catch (err) {
        throw new ApiClientError('network', `${channel}: the server cannot be reached (${(err as Error).message})`);
      }
      const body: unknown = await res.json().catch(() => null);
      if (!res.ok) {
        const e = (body as ApiErrorBody | null)?.error;
        throw new ApiClientError(e?.code ?? 'internal', e?.message ?? `${channel}: HTTP ${res.status}`);
      }
      return body as never;
    },
    on: (event, listener) => events.add(event, listener as (p: unknown) => void),
    connection: () => state,
    onConnection: (listener) => conn.add('state', listener as (p: unknown) => void),
  };
}
