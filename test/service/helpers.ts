import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { createAppService, type AppServiceOptions } from '../../src-main/service/app-service.js';

const fake = pathToFileURL(path.join(import.meta.dirname, 'fixtures', 'fake-engine.ts')).href;
export const FAKE_ENGINE = { trainer: fake, backend: fake, data: fake };

export function tempDir(prefix = 'ascl-svc-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function fakeService(dbPath: string, o: Partial<AppServiceOptions> = {}) {
  return createAppService({ dbPath, workers: 2, backend: 'cpu', engineModules: FAKE_ENGINE, log: () => {}, ...o });
}

/** A stable dump of every table of the store file (through a second connection), for "the store is unchanged" checks. */
export function dumpStore(file: string): string {
  const db = new Database(file, { readonly: true });
  try { return dump(db); } finally { db.close(); }
}

function dump(db: Database.Database): string {
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>).map((t) => t.name);
  return JSON.stringify(tables.map((t) => [t, db.prepare(`SELECT * FROM "${t}"`).all().map((r) => JSON.stringify(r)).sort()]));
}

/** The small config every fake run uses: 3 epochs of 4 steps. */
export const SMALL = { dataset: 'synthetic', model: 'small-cnn', limit: 16, batchSize: 4, epochs: 3, backend: 'cpu' } as const;
