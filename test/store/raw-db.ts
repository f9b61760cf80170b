/**
 * Direct access to a store's SQLite file beside the Store (which keeps its handle private), as another
 * process or an older version of the code would have it: for migration tests and fault injection.
 */
import Database from 'better-sqlite3';
import { MIGRATIONS } from '../../src-main/store/migrations.js';

/** A second connection to the file for the duration of `f`. */
export function peek<T>(file: string, f: (db: Database.Database) => T): T {
  const db = new Database(file);
  try { return f(db); } finally { db.close(); }
}

/** The file's schema version (PRAGMA user_version). */
export const userVersion = (file: string): unknown => peek(file, (db) => db.pragma('user_version', { simple: true }));

/** The raw runs.config text of a run, as stored (before any migration). */
export const storedConfigColumn = (file: string, runId: string): string =>
  peek(file, (db) => (db.prepare('SELECT config FROM runs WHERE id = ?').get(runId) as { config: string }).config);

/** Creates `file` as a store of schema `version` (the first `version` migrations) and lets `fill` write its old rows. */
export function storeAtVersion(file: string, version: number, fill: (db: Database.Database) => void = () => {}): void {
  peek(file, (db) => {
    for (const m of MIGRATIONS.slice(0, version)) db.exec(m);
    db.pragma(`user_version = ${version}`);
    fill(db);
  });
}
