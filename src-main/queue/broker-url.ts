/**
 * The broker address of distributed mode (`--broker URL` or ASCL_BROKER): `redis://[:password@]host:port[/db]`
 * or `rediss://` (TLS). Parsed once, checked with a PING before anything is enqueued, and shown only redacted.
 * Both the coordinator (`ascl serve --broker`, the desktop app) and `ascl worker` use it; a BrokerError is the
 * user's input (the CLI exits 2 on it).
 */
import { Redis } from 'ioredis';
import type { RedisOptions } from 'bullmq';

/** A bad broker URL, or a broker that refuses us: named so the CLI maps it to exit code 2. */
export class BrokerError extends Error {
  override name = 'BrokerError';
}

export interface BrokerUrl {
  /** The URL as given (it may hold the password: never print it; use `redacted`). */
  url: string;
  tls: boolean;
  host: string;
  port: number;
  db: number;
  username: string | null;
  password: string | null;
  /** For logs, app:info and the Workers view: the password replaced by `***`. */
  redacted: string;
}

/** Where the URL comes from: the flag first, then ASCL_BROKER; null: no broker (runs train in this process). */
export function brokerUrlFrom(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string | null {
  if (flag !== undefined) return flag;
  const v = env.ASCL_BROKER;
  return v !== undefined && v.trim() !== '' ? v.trim() : null;
}

/**
 * The desktop app's broker: ASCL_BROKER with ASCL_TOKEN (>= 16 characters: the worker API writes the store);
 * null without ASCL_BROKER. A BrokerError names what is missing.
 */
export function brokerFromEnv(env: NodeJS.ProcessEnv): { url: BrokerUrl; token: string } | null {
  const text = brokerUrlFrom(undefined, env);
  if (text === null) return null;
  const token = env.ASCL_TOKEN ?? '';
  if (token.length < 16) throw new BrokerError(`brokerFromEnv: ASCL_BROKER is set, so the workers' API needs ASCL_TOKEN of at least 16 characters (got ${token.length})`);
  return { url: parseBrokerUrl(text), token };
}

export function parseBrokerUrl(text: string): BrokerUrl {
  const where = `parseBrokerUrl(${JSON.stringify(redactText(text))})`;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text)?.[1]?.toLowerCase();
  if (scheme !== undefined && scheme !== 'redis' && scheme !== 'rediss') {
    throw new BrokerError(`${where}: the scheme "${scheme}:" is not a broker; use redis:// or rediss:// (TLS)`);
  }
  // new URL refuses a port over 65535 and an empty host with one vague message: name them first.
  const parts = /^[a-z]+:\/\/(?:[^@/]*@)?(\[[^\]]*\]|[^:/?#]*)(?::([^/?#]*))?/i.exec(text);
  if (parts !== null && parts[1] === '') throw new BrokerError(`${where}: the host is missing (e.g. redis://127.0.0.1:6379)`);
  const portText = parts?.[2];
  let port = 6379;
  if (portText !== undefined && portText !== '') {
    if (!/^\d+$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
      throw new BrokerError(`${where}: the port ${JSON.stringify(portText)} is out of range; a port is 1-65535`);
    }
    port = Number(portText);
  }
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new BrokerError(`${where}: not a URL; expected redis://[:password@]host:port[/db] (e.g. redis://127.0.0.1:6379)`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new BrokerError(`${where}: the scheme ${JSON.stringify(u.protocol)} is not a broker; use redis:// or rediss:// (TLS)`);
  }
  if (u.hostname === '') throw new BrokerError(`${where}: the host is missing (e.g. redis://127.0.0.1:6379)`);
  const dbText = u.pathname.replace(/^\//, '');
  let db = 0;
  if (dbText !== '') {
    if (!/^\d+$/.test(dbText) || Number(dbText) > 1_000_000) {
      throw new BrokerError(`${where}: the database ${JSON.stringify(dbText)} is not an integer; the path is the Redis db number (e.g. /0)`);
    }
    db = Number(dbText);
  }
  if (u.search !== '' || u.hash !== '') throw new BrokerError(`${where}: a broker URL takes no query or fragment (got ${JSON.stringify(u.search + u.hash)})`);
  const password = u.password !== '' ? decodeURIComponent(u.password) : null;
  const username = u.username !== '' ? decodeURIComponent(u.username) : null;
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const auth = username !== null || password !== null ? `${username ?? ''}${password !== null ? ':***' : ''}@` : '';
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return { url: text, tls: u.protocol === 'rediss:', host, port, db, username, password, redacted: `${u.protocol}//${auth}${hostPart}:${port}${dbText !== '' ? `/${db}` : ''}` };
}

/** The password of any redis URL in a text replaced by `***` (error messages quote what they were given). */
export function redactText(text: string): string {
  return text.replace(/(rediss?:\/\/[^:@/\s]*:)[^@\s]*@/gi, '$1***@');
}

/**
 * ioredis options for one BullMQ connection (BullMQ's own RedisOptions type, which it hands to ioredis). Every connection retries for ever (capped at 1 s between tries), so a
 * restarted Redis is picked up again without a restart of ours. `blocking`: BullMQ's Worker and QueueEvents
 * need maxRetriesPerRequest null; the others fail a command within commandTimeout while Redis is down (and
 * callers add their own deadline), so no tick of the coordinator can wait for ever on it.
 */
export function redisOptions(b: BrokerUrl, kind: 'blocking' | 'fast'): RedisOptions {
  const base: RedisOptions = {
    host: b.host, port: b.port, db: b.db,
    ...(b.username !== null ? { username: b.username } : {}),
    ...(b.password !== null ? { password: b.password } : {}),
    ...(b.tls ? { tls: {} } : {}),
    connectTimeout: 5000,
    retryStrategy: (times: number) => Math.min(100 * times, 1000),
  };
  return kind === 'blocking'
    ? { ...base, maxRetriesPerRequest: null }
    // Not enableOfflineQueue false: BullMQ's own set-up commands, sent before the socket is ready, would fail and leave the
    // Queue unusable for good. Commands wait for a reconnect instead, bounded by commandTimeout and one retry.
    : { ...base, maxRetriesPerRequest: 1, commandTimeout: 5000 };
}

/**
 * A PING with a short timeout: nothing listening, a refused password or a timeout is a BrokerError naming it.
 * Used once at start-up by the coordinator and the worker (a typo must not leave a process retrying for ever).
 */
export async function checkBroker(b: BrokerUrl, timeoutMs = 3000): Promise<void> {
  const where = `checkBroker(${b.redacted})`;
  const client = new Redis({
    host: b.host, port: b.port, db: b.db,
    ...(b.username !== null ? { username: b.username } : {}),
    ...(b.password !== null ? { password: b.password } : {}),
    ...(b.tls ? { tls: {} } : {}),
    lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  let lastError: Error | null = null;
  client.on('error', (err: Error) => { lastError = err; });
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs);
    });
    await Promise.race([client.connect().then(() => client.ping()), timeout]);
  } catch (err) {
    const e = (lastError ?? err) as Error & { code?: string };
    const msg = `${e.message} ${(err as Error).message}`;
    if (/WRONGPASS|NOAUTH|invalid password|invalid username-password/i.test(msg)) {
      throw new BrokerError(`${where}: Redis refused the password (WRONGPASS/NOAUTH); give the password in the URL (redis://:PASSWORD@${b.host}:${b.port}) as set by requirepass`);
    }
    if (/ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN/.test(msg) || e.code === 'ECONNREFUSED') {
      throw new BrokerError(`${where}: no Redis at ${b.host}:${b.port} (${e.code ?? e.message}); start one (redis-server --port ${b.port}) or fix --broker / ASCL_BROKER`);
    }
    if (/DB index is out of range/i.test(msg)) throw new BrokerError(`${where}: Redis has no database ${b.db} (${e.message})`);
    throw new BrokerError(`${where}: Redis at ${b.host}:${b.port} did not answer PING: ${redactText(e.message)}`);
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}
