/**
 * What every table module of the store shares: the database handle (private to src-main/store),
 * `transaction(fn)` for callers that change several rows at once, and the storage seam: every
 * write passes `write()` (fault injection, read-only refusal, error mapping to StoreError with the
 * file and the remedy) and every read passes `read()` (a damaged page becomes a `corrupt` error).
 */
import type { Db, OpenedDb } from './db.js';
import { StoreError, storageError } from './errors.js';
import { beforeWrite } from './faults.js';

const handles = new WeakMap<StoreBase, Db>();

/** The raw handle, for the store's own modules (doctor). Not exported from store/index.ts. */
export function rawDatabase(s: StoreBase): Db {
  const db = handles.get(s);
  if (!db) throw new StoreError('rawDatabase: not a store');
  return db;
}

export interface Owner { pid: number; host: string }

export class StoreBase {
  /** Opened for reading only (`ascl runs`, `show`, `doctor`, `export`): every write is refused. */
  readonly readonly: boolean;
  /** Read from an in-memory snapshot of the file (a read-only mount, an older schema). */
  readonly snapshot: boolean;

  constructor(opened: OpenedDb, readonly dbPath: string) {
    handles.set(this, opened.db);
    this.readonly = opened.readonly;
    this.snapshot = opened.snapshot;
  }

  protected get db(): Db { return rawDatabase(this); }

  get isOpen(): boolean { return this.db.open; }

  close(): void { if (this.db.open) this.db.close(); }

  /**
   * Runs `fn` as one IMMEDIATE transaction (the write lock is taken at its start, so a
   * check-then-write inside it cannot interleave with another process): all of it or none.
   */
  transaction<T>(fn: () => T, what = 'Store.transaction'): T {
    return this.write(what, () => this.db.transaction(fn).immediate());
  }

  /** The seam every write passes. */
  protected write<T>(what: string, fn: () => T): T {
    if (this.readonly) throw new StoreError(`${what}: the store ${this.dbPath} was opened read-only; this command does not change it`, 'read-only');
    try {
      beforeWrite(what);
      return fn();
    } catch (err) {
      throw storageError(err, this.dbPath, what);
    }
  }

  protected read<T>(what: string, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw storageError(err, this.dbPath, what);
    }
  }

  /** Parses one stored JSON value; an unparsable one names its run, table and column. */
  protected parseCell<T>(text: string, cell: { runId: string; table: string; column: string; row?: string }): T {
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      throw new StoreError(`run ${cell.runId}: the stored ${cell.table}.${cell.column}${cell.row ? ` (${cell.row})` : ''} is not valid JSON ` +
        `(${(err as Error).message}); \`ascl doctor --db ${this.dbPath}\` lists every damaged value`, 'corrupt-cell');
    }
  }
}
