/**
 * The storage seam for fault injection: every write of the store passes `beforeWrite` first
 * (store/base.ts). A test arms a fault in-process with `injectWriteFault`, or in a child process
 * through the environment, e.g. `ASCL_STORE_FAULT=SQLITE_FULL:after=40`: the first 40 writes
 * succeed, every later one fails as SQLite fails on a full disk (a real SqliteError with that code).
 * Nothing is armed unless a test asks: production code pays one comparison per write.
 */
import Database from 'better-sqlite3';

export interface WriteFault {
  /** SQLite or errno code the failing writes report: SQLITE_FULL, SQLITE_IOERR_WRITE, SQLITE_READONLY, ENOSPC... */
  code: string;
  /** Writes that still succeed before the fault starts (default 0). */
  after?: number;
  /** Only writes whose description matches (e.g. /appendMetrics|heartbeat/). */
  match?: RegExp;
}

const MESSAGES: Record<string, string> = {
  SQLITE_FULL: 'database or disk is full',
  ENOSPC: 'ENOSPC: no space left on device, write',
  SQLITE_READONLY: 'attempt to write a readonly database',
  SQLITE_IOERR_WRITE: 'disk I/O error',
};

let armed: (WriteFault & { seen: number }) | null = null;

/** Arms (or with null disarms) the fault for this process. */
export function injectWriteFault(f: WriteFault | null): void {
  armed = f ? { ...f, seen: 0 } : null;
}

/** Parses ASCL_STORE_FAULT (`CODE[:after=N][:match=REGEX]`); a malformed value is refused, not ignored. */
export function faultFromEnv(value: string | undefined): WriteFault | null {
  if (!value) return null;
  const [code, ...opts] = value.split(':');
  if (!/^[A-Z_]+$/.test(code)) throw new Error(`faultFromEnv: ASCL_STORE_FAULT must start with an error code such as SQLITE_FULL (got ${JSON.stringify(value)})`);
  const f: WriteFault = { code };
  for (const o of opts) {
    const [k, v] = o.split('=', 2);
    if (k === 'after' && /^\d+$/.test(v ?? '')) f.after = Number(v);
    else if (k === 'match' && v) f.match = new RegExp(v);
    else throw new Error(`faultFromEnv: unknown ASCL_STORE_FAULT option ${JSON.stringify(o)} (known: after=N, match=REGEX)`);
  }
  return f;
}

injectWriteFault(faultFromEnv(process.env.ASCL_STORE_FAULT));

/** Called before each store write described by `what`; throws the armed fault once it is due. */
export function beforeWrite(what: string): void {
  if (!armed || (armed.match && !armed.match.test(what))) return;
  if (armed.seen++ < (armed.after ?? 0)) return;
  const message = MESSAGES[armed.code] ?? `injected ${armed.code}`;
  if (armed.code.startsWith('SQLITE_')) throw new Database.SqliteError(message, armed.code);
  throw Object.assign(new Error(message), { code: armed.code });
}
