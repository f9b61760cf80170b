/** ApiClient over the Electron preload bridge (`window.ascl`, see src-main/electron/preload.ts). */
import type { AsclBridge } from '../../../src-main/shared/bridge.js';
import { ApiClientError, Listeners, type ApiClient } from './client.js';

export function createBridgeClient(bridge: AsclBridge): ApiClient {
  const events = new Listeners();
  bridge.onEvent((frame) => events.emit(frame.event, frame.payload));
  return {
    async call(channel, req) {
      const r = await bridge.invoke(channel, req);
      if (!r.ok) throw new ApiClientError(r.error.code, r.error.message);
      return r.value as never;
    },
    on: (event, listener) => events.add(event, listener as (p: unknown) => void),
    connection: () => 'live',
    onConnection: () => () => {},
  };
}
