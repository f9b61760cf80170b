/** Picks the client: the preload bridge inside Electron, HTTP + WebSocket in a browser. */
import type { AsclBridge } from '../../../src-main/shared/bridge.js';
import { createBridgeClient } from './bridge-client.js';
import { createHttpClient } from './http-client.js';
import type { ApiClient } from './client.js';

export { ApiClientError, type ApiClient } from './client.js';

const bridge = (window as unknown as { ascl?: AsclBridge }).ascl;
export const api: ApiClient = bridge ? createBridgeClient(bridge) : createHttpClient();
