/**
 * Opens the SQLite database of the run store: WAL so the desktop app and command-line processes
 * read while one writes, busy_timeout so concurrent writers wait instead of failing, foreign keys
 * on, and the versioned migrations of ./migrations.ts applied in one transaction each.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.js';

export type Db = Database.Database;

export class StoreError extends Error {
  override name = 'StoreError';
}

/** How long a writer waits for another process's write lock before SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 15_000;

export function openDatabase(file: string, options: { readonly?: boolean } = {}): Db {
  const where = `openDatabase(${file})`;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let db: Db;
  try {
    db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  } catch (err) {
    throw new StoreError(`${where}: cannot open the store database: ${(err as Error).message}`);
  }
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      // NORMAL is durable across process crashes in WAL mode; a power loss may lose the last
      // transactions but never corrupts the database (sqlite.org/wal.html).
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
    migrate(db, file);
    return db;
  } catch (err) {
    db.close();
    if (err instanceof StoreError) throw err;
    throw new StoreError(`${where}: ${(err as Error).message}`);
  }
}

/** Applies the pending migrations; a database from a newer schema is refused, never altered. */
export function migrate(db: Db, file: string): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new StoreError(
      `migrate: the store ${file} was written by a newer ASCL Studio (schema version ${version}, this version ` +
      `knows up to ${SCHEMA_VERSION}); update ASCL Studio or choose another store with --db FILE or ASCL_HOME`,
    );
  }
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
