/**
 * Opens the SQLite database of the run store: WAL so the desktop app and command-line processes
 * read while one writes, busy_timeout so concurrent writers wait instead of failing, foreign keys
 * on, and the versioned migrations of ./migrations.ts applied in one transaction each.
 *
 * Before SQLite touches a path it is checked (./db-path.ts), so a folder, a device such as
 * /dev/null or a file that is not a database is refused by name and nothing is created beside it.
 * A store opened for writing must pass SQLite's quick_check; a damaged one is refused with the
 * recovery hint. Read-only opening (`readonly`) never writes: where SQLite cannot open the file
 * in place (a read-only mount or a full disk without the WAL index, an older schema), it reads an
 * in-memory snapshot of the file instead.
 */
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { checkDbPath } from './db-path.js';
import { StoreError, recoverHint, storageError } from './errors.js';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.js';

export type Db = Database.Database;
export { StoreError };

/** How long a writer waits for another process's write lock before SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 15_000;

export interface OpenOptions {
  /** Open for reading only: no migration, no WAL switch, never a write. */
  readonly?: boolean;
  /** Create the folder holding the file when it is missing (the default application folder); false for an explicit --db. */
  createFolder?: boolean;
  /** Skip the quick_check a writable store must pass (doctor reads damaged stores read-only instead). */
  skipIntegrityCheck?: boolean;
}

export interface OpenedDb { db: Db; readonly: boolean; snapshot: boolean }

export function openDatabase(file: string, options: OpenOptions = {}): Db {
  return openStoreDatabase(file, options).db;
}

export function openStoreDatabase(file: string, options: OpenOptions = {}): OpenedDb {
  const where = `openDatabase(${file})`;
  const readonly = options.readonly ?? false;
  checkDbPath(file, { mustExist: readonly, createFolder: options.createFolder ?? !readonly });
  return readonly ? openReadonly(file, where) : { db: openWritable(file, where, options.skipIntegrityCheck ?? false), readonly: false, snapshot: false };
}

function openWritable(file: string, where: string, skipIntegrityCheck: boolean): Db {
  let db: Db;
  try {
    db = new Database(file);
  } catch (err) {
    throw storageError(err, file, `${where}: cannot open the store database`);
  }
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma('journal_mode = WAL');
    // NORMAL is durable across process crashes in WAL mode; a power loss may lose the last
    // transactions but never corrupts the database (sqlite.org/wal.html).
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    if (!skipIntegrityCheck) assertIntact(db, file);
    migrate(db, file);
    return db;
  } catch (err) {
    db.close();
    throw storageError(err, file, where);
  }
}

function openReadonly(file: string, where: string): OpenedDb {
  let db: Db | null = null;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) throw newerSchema(file, version);
    if (version === SCHEMA_VERSION) return { db, readonly: true, snapshot: false };
    // An older schema cannot be migrated in place without writing: migrate a snapshot instead.
    db.close();
    db = null;
  } catch (err) {
    db?.close();
    if (err instanceof StoreError) throw err;
    const code = (err as { code?: string }).code ?? '';
    if (!code.startsWith('SQLITE_CANTOPEN') && !code.startsWith('SQLITE_READONLY') && !code.startsWith('SQLITE_IOERR')) throw storageError(err, file, where);
  }
  return { db: openSnapshot(file, where), readonly: true, snapshot: true };
}

/**
 * The file's bytes as an in-memory database (nothing is written to disk). Byte 18-19 of the header
 * say "WAL": an in-memory copy must read as a rollback-journal database (sqlite.org/fileformat2.html).
 * Changes in a -wal file that were never checkpointed are not in the snapshot.
 */
function openSnapshot(file: string, where: string): Db {
  let db: Db;
  try {
    const bytes = fs.readFileSync(file);
    if (bytes.length >= 20 && bytes[18] === 2 && bytes[19] === 2) { bytes[18] = 1; bytes[19] = 1; }
    db = new Database(bytes);
  } catch (err) {
    throw storageError(err, file, `${where}: cannot read the store`);
  }
  try {
    migrate(db, file);
    return db;
  } catch (err) {
    db.close();
    throw storageError(err, file, where);
  }
}

/** SQLite's quick_check (structure of every page and index, not row contents); a damaged store is refused for writing. */
export function assertIntact(db: Db, file: string): void {
  let bad: string[];
  try {
    bad = (db.pragma('quick_check(20)') as Array<{ quick_check: string }>).map((r) => r.quick_check).filter((m) => m !== 'ok');
  } catch (err) {
    // So damaged that the check itself cannot read it (SQLITE_CORRUPT, SQLITE_NOTADB).
    const code = (err as { code?: string }).code ?? '';
    if (!code.startsWith('SQLITE_CORRUPT') && code !== 'SQLITE_NOTADB') throw err;
    bad = [`${(err as Error).message} (${code})`];
  }
  if (bad.length > 0) {
    throw new StoreError(`openDatabase(${file}): refused for writing: the store fails SQLite's quick_check (${bad.slice(0, 3).join('; ')}${bad.length > 3 ? '; ...' : ''}); ${recoverHint(file)}`, 'corrupt');
  }
}

function newerSchema(file: string, version: number): StoreError {
  return new StoreError(
    `migrate: the store ${file} was written by a newer ASCL Studio (schema version ${version}, this version ` +
    `knows up to ${SCHEMA_VERSION}); update ASCL Studio or choose another store with --db FILE or ASCL_HOME`, 'schema',
  );
}

/** Applies the pending migrations; a database from a newer schema is refused, never altered. */
export function migrate(db: Db, file: string): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) throw newerSchema(file, version);
  for (let v = version; v < SCHEMA_VERSION; v++) {
    // BEGIN IMMEDIATE: two processes opening a fresh store at once must not both migrate.
    db.transaction(() => {
      const now = db.pragma('user_version', { simple: true }) as number;
      if (now !== v) return; // another process migrated meanwhile
      db.exec(MIGRATIONS[v]);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
}
