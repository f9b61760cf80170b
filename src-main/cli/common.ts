/**
 * Shared pieces of the `ascl` commands: exit codes, errors, the store/service options, and the
 * JSON-or-text output switch.
 */
import fs from 'node:fs';
import { ApiError } from '../api/dispatch.js';
import { ConfigError } from '../engine/config/run-config.js';
import { StoreError } from '../store/errors.js';
import { resolveDbPath } from '../store/paths.js';

/** 0 success; 1 the work failed (a run failed, doctor found problems); 2 bad usage or input. */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

/** Bad flags, values or files given by the user: exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Exit code for an error thrown by a command. */
export function exitCodeFor(err: unknown): number {
  if (err instanceof UsageError || err instanceof ConfigError) return EXIT.usage;
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

/** One JSON object per line on stdout (for scripts). */
export function jsonLine(obj: unknown): void {
  process.stdout.write(`${JSON.stringify(obj)}\n`);
}

/** Parses a positive integer flag value; the error names the flag. */
export function intFlag(flag: string, min = 1): (v: string) => number {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag} must be an integer >= ${min} (got ${JSON.stringify(v)})`);
    return n;
  };
}

/** Numbers or fractions ("8/255"). */
export function fractionFlag(flag: string, min = 0): (v: string) => number {
  return (v: string) => {
    const m = /^\s*(-?\d+(?:\.\d+)?(?:e-?\d+)?)\s*(?:\/\s*(\d+(?:\.\d+)?)\s*)?$/i.exec(v);
    const n = m ? Number(m[1]) / (m[2] === undefined ? 1 : Number(m[2])) : NaN;
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
