/**
 * Errors of the run store, each with a code that says what the user can do about it, and the
 * mapping of SQLite's and the file system's error codes onto them. Messages name the database
 * file and the remedy (free space, `sqlite3 FILE .recover`, another --db), never a stack trace.
 */
import type { RunStatus } from '../shared/channels.js';

/**
 * - `bad-path`: the --db path is a folder, a device, not a database, or in a missing folder;
 * - `disk-full`, `io`: a write failed (no space left, an I/O error);
 * - `read-only`: the store (or its folder) cannot be written;
 * - `corrupt`: SQLite reports a damaged database (failed integrity check, SQLITE_CORRUPT);
 * - `corrupt-cell`: one stored JSON value does not parse (its table, column and run are named);
 * - `conflict`: a run (or task) is not in a state that allows the change, or another process won it;
 * - `not-found`: no such run; `busy`: another process held the write lock past the busy timeout;
 * - `schema`: the store was written by a newer version; `other`: anything else.
 */
export type StoreErrorCode = 'bad-path' | 'disk-full' | 'io' | 'read-only' | 'corrupt' | 'corrupt-cell' | 'conflict' | 'not-found' | 'busy' | 'schema' | 'other';

export class StoreError extends Error {
  override name = 'StoreError';
  constructor(message: string, readonly code: StoreErrorCode = 'other') { super(message); }
}

/** A state transition that lost: the run is not (or no longer) in a state that allows it. */
export class RunConflictError extends StoreError {
  override name = 'RunConflictError';
  constructor(message: string, readonly runId: string, readonly status: RunStatus | null) { super(message, 'conflict'); }
}

/** The hint appended to every message about a damaged store. */
export function recoverHint(file: string): string {
  return `run \`ascl doctor --db ${file}\` to list the damage, then \`sqlite3 ${file} .recover | sqlite3 repaired.db\` or restore a backup`;
}

const codeOf = (err: unknown): string => {
  const c = (err as { code?: unknown } | null)?.code;
  return typeof c === 'string' ? c : '';
};

/**
 * Turns an error thrown by SQLite or the file system during `where` on `file` into a StoreError
 * whose message says what happened and what to do. StoreErrors pass through unchanged.
 */
export function storageError(err: unknown, file: string, where: string): StoreError {
  if (err instanceof StoreError) return err;
  const code = codeOf(err);
  const detail = `${err instanceof Error ? err.message : String(err)}${code ? ` (${code})` : ''}`;
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT') {
    return new StoreError(`${where}: the disk holding the store ${file} is full: ${detail}; free space on that disk (or move the store with --db FILE or ASCL_HOME), then retry; an interrupted run continues with \`ascl resume RUN\``, 'disk-full');
  }
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS' || code === 'EACCES' || code === 'EPERM') {
    return new StoreError(`${where}: the store ${file} cannot be written: ${detail}; make the file and its folder writable, or use a read-only command (runs, show, doctor, export)`, 'read-only');
  }
  if (code.startsWith('SQLITE_CANTOPEN')) {
    return new StoreError(`${where}: the store ${file} cannot be opened for writing: ${detail}; check that the file and its folder exist and are writable, or use a read-only command (runs, show, doctor, export)`, 'read-only');
  }
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
    return new StoreError(`${where}: the store ${file} is damaged: ${detail}; ${recoverHint(file)}`, 'corrupt');
  }
  if (code.startsWith('SQLITE_IOERR') || code === 'EIO') {
    return new StoreError(`${where}: an I/O error writing the store ${file}: ${detail}; check the disk (space, cable, mount), then retry; an interrupted run continues with \`ascl resume RUN\``, 'io');
  }
  if (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY') || code === 'SQLITE_LOCKED') {
    return new StoreError(`${where}: the store ${file} stayed locked by another process: ${detail}; retry when it is done`, 'busy');
  }
  return new StoreError(`${where}: ${detail}`, 'other');
}
