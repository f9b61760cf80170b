/**
 * The one entry point both transports use: checks the channel name, validates the payload
 * with the channel's schema, calls the service, and turns failures into ApiError with a code.
 */
import { ApiRequests, type ApiChannel, type ApiErrorBody, type ApiHandlers } from '../shared/channels.js';
import { formatIssues } from '../shared/format-issues.js';

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(readonly code: ApiErrorBody['error']['code'], message: string) { super(message); }
}

export function isApiChannel(name: unknown): name is ApiChannel {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(ApiRequests, name);
}

/** Deepest nesting a payload may have (no channel needs more than a few levels). */
export const MAX_PAYLOAD_DEPTH = 32;

/**
 * Rejects `__proto__` keys (JSON.parse makes them own properties; copying them into a new object,
 * as schema parsing does, would set its prototype instead) and absurd nesting, before any parsing.
 */
function checkPayloadShape(channel: string, value: unknown, depth = 0, path = ''): void {
  if (value === null || typeof value !== 'object') return;
  if (depth > MAX_PAYLOAD_DEPTH) throw new ApiError('bad-request', `${channel}: the payload is nested deeper than ${MAX_PAYLOAD_DEPTH} levels at ${path || '(root)'}`);
  for (const key of Object.keys(value)) {
    if (key === '__proto__') throw new ApiError('bad-request', `${channel}: the key "__proto__" is not allowed (at ${path || '(root)'})`);
    checkPayloadShape(channel, (value as Record<string, unknown>)[key], depth + 1, path ? `${path}.${key}` : key);
  }
}

export async function dispatch(service: ApiHandlers, channel: unknown, payload: unknown): Promise<unknown> {
  if (!isApiChannel(channel)) {
    throw new ApiError('not-found', `dispatch: unknown channel ${JSON.stringify(String(channel)).slice(0, 120)}`);
  }
  checkPayloadShape(channel, payload);
  const schema = ApiRequests[channel];
  const parsed = schema.safeParse(payload ?? {});
  if (!parsed.success) {
    throw new ApiError('bad-request', `${channel}: ${formatIssues(parsed.error, payload)}`);
  }
  const handler = service[channel] as (req: unknown) => Promise<unknown>;
  return handler.call(service, parsed.data);
}

/** Maps any thrown value to the wire error body (never leaks a stack trace). */
export function toErrorBody(err: unknown): ApiErrorBody {
  if (err instanceof ApiError) return { error: { code: err.code, message: err.message } };
  let message: string;
  try { message = err instanceof Error ? err.message : String(err); } catch { message = 'an error that cannot be shown as text'; }
  return { error: { code: 'internal', message } };
}
