/**
 * Shared pieces of the `ascl` commands: exit codes, errors, the store/service options, and the
 * JSON-or-text output switch.
 */
import fs from 'node:fs';
import { ApiRequests, type ApiChannel, type ApiParsedRequest } from '../shared/channels.js';
import { ApiError } from '../api/dispatch.js';
import { ConfigError, parseFraction } from '../shared/run-config.js';
import { formatIssues } from '../shared/format-issues.js';
import { StoreError } from '../store/errors.js';
import { resolveDbPath } from '../store/paths.js';
import { BrokerError } from '../queue/broker-url.js';

/** 0 success; 1 the work failed (a run failed, doctor found problems); 2 bad usage or input. */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

/** Bad flags, values or files given by the user: exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Exit code for an error thrown by a command. */
export function exitCodeFor(err: unknown): number {
  // A bad --broker URL or a Redis refusing the password: the user's input (issue 10).
  if (err instanceof UsageError || err instanceof ConfigError || err instanceof BrokerError) return EXIT.usage;
  // A bad --db path (a folder, /dev/null, not a database, a missing folder) or a store of a newer version: the user's input.
  if (err instanceof StoreError) return err.code === 'bad-path' || err.code === 'schema' ? EXIT.usage : EXIT.failed;
  if (err instanceof ApiError) return err.code === 'bad-request' || err.code === 'not-found' || err.code === 'too-large' ? EXIT.usage : EXIT.failed;
  return EXIT.failed;
}

export interface DbOptions { db?: string }

export function dbPathOf(o: DbOptions): string {
  return resolveDbPath(o.db ?? null);
}

/** Store options of a command: an explicit --db path is never given a folder that does not exist (a typo stays an error). */
export function storeOptionsOf(o: DbOptions): { dbPath: string; createFolder: boolean } {
  return { dbPath: dbPathOf(o), createFolder: o.db === undefined };
}

/** The store of a command that only reads or continues runs: it must exist already (never created by a typo). */
export function existingDbPath(o: DbOptions): string {
  const file = dbPathOf(o);
  if (!fs.existsSync(file)) {
    throw new UsageError(`no store at ${file}; train a run first, or choose the store with --db FILE or ASCL_HOME`);
  }
  return file;
}

/** Reads a JSON file given on the command line; problems name the file. */
export function readJsonFile(file: string, what: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read the ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new UsageError(`the ${what} ${file} is not valid JSON: ${(err as Error).message}`);
  }
}

/**
 * Text from the store made safe for a terminal: control characters (ESC of an escape sequence,
 * CR, ...) and bidirectional overrides are shown as \u escapes. Names are refused with them at
 * input; this covers names stored before that, and error texts.
 */
export function printable(s: string): string {
  return s.replace(/[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069]/gu, (c) => (c === '\n' ? '\n' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/** One JSON object per line on stdout (for scripts). */
export function jsonLine(obj: unknown): void {
  process.stdout.write(`${JSON.stringify(obj)}\n`);
}

/**
 * The same validation as the API: a request built from flags is checked with the channel's schema
 * (src-main/api/channels.ts) before anything is opened; problems are usage errors naming the field.
 */
export function parseRequest<C extends ApiChannel>(channel: C, payload: unknown, where: string): ApiParsedRequest<C> {
  const r = ApiRequests[channel].safeParse(payload);
  if (!r.success) throw new UsageError(`${where}: ${formatIssues(r.error, payload)}`);
  return r.data as ApiParsedRequest<C>;
}

/** A decimal number as written on a command line: no hex/octal/binary prefixes, no spaces, no Infinity. */
export const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;
/** A decimal integer. */
export const DECIMAL_INT = /^[+-]?\d+$/;

/** Parses a positive integer flag value; the error names the flag. */
export function intFlag(flag: string, min = 1): (v: string) => number {
  return (v: string) => {
    const n = DECIMAL_INT.test(v) ? Number(v) : NaN;
    if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`${flag} must be a decimal integer >= ${min} (got ${JSON.stringify(v)})`);
    return n;
  };
}

/** Numbers or fractions ("8/255"), decimal and without spaces. */
export function fractionFlag(flag: string, min = 0): (v: string) => number {
  return (v: string) => {
    const n = parseFraction(v);
    if (!Number.isFinite(n) || n < min) throw new UsageError(`${flag} must be a number >= ${min} or a fraction like 8/255 (got ${JSON.stringify(v)})`);
    return n;
  };
}

export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${s % 60}s`;
}
