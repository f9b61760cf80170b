/**
 * `ascl doctor`: checks a store and names every problem it finds, never stopping at the first:
 * SQLite's integrity_check and quick_check, foreign keys, every stored JSON value that does not
 * parse (by table, column and run), every recorded checkpoint readable and verified against its
 * SHA-256, and every run's epoch and step series without gaps or duplicates. Each check runs on
 * its own, so a damaged page that breaks one query is one more problem, not the end of the report.
 */
import fs from 'node:fs';
import { rawDatabase } from './base.js';
import { readCheckpointFile } from './checkpoint-file.js';
import { recoverHint } from './errors.js';
import { Store } from './store.js';

export interface DoctorReport {
  ok: boolean;
  dbPath: string;
  runs: number;
  checkpointsVerified: number;
  epochsChecked: number;
  problems: string[];
  warnings: string[];
}

/** The JSON columns of the schema, each with the SQL naming the row it belongs to. */
const JSON_CELLS = [
  { table: 'runs', column: 'config', run: 'id', row: "''" },
  { table: 'epoch_metrics', column: 'terms', run: 'run_id', row: "'epoch ' || epoch" },
  { table: 'selection_snapshots', column: 'positives', run: 'run_id', row: "'epoch ' || epoch || ', anchor ' || anchor_index" },
  { table: 'selection_snapshots', column: 'negatives', run: 'run_id', row: "'epoch ' || epoch || ', anchor ' || anchor_index" },
  { table: 'tasks', column: 'request', run: 'run_id', row: "'task ' || id" },
] as const;

/** Opens the store read-only and checks it; a store that cannot even be opened is a report with that one problem. */
export function doctorFile(dbPath: string): DoctorReport {
  let store: Store;
  try {
    store = new Store(dbPath, { readonly: true });
  } catch (err) {
    return { ok: false, dbPath, runs: 0, checkpointsVerified: 0, epochsChecked: 0, problems: [(err as Error).message], warnings: [] };
  }
  try { return doctor(store); } finally { store.close(); }
}

export function doctor(store: Store): DoctorReport {
  const problems: string[] = [];
  const warnings: string[] = [];
  const db = rawDatabase(store);
  const attempt = (what: string, f: () => void): void => {
    try { f(); } catch (err) { problems.push(`${what}: ${(err as Error).message}`); }
  };
  if (store.snapshot) warnings.push(`read from an in-memory copy of ${store.dbPath} (read-only folder, full disk or older schema): changes in an uncheckpointed -wal file are not included`);

  let damaged = false;
  const seen = new Set<string>();
  for (const check of ['integrity_check', 'quick_check'] as const) {
    let rows: Array<Record<string, string>>;
    try {
      rows = db.pragma(`${check}(1000)`) as Array<Record<string, string>>;
    } catch (err) {
      // The check itself could not read the file: that is damage too.
      rows = [{ [check]: (err as Error).message }];
    }
    for (const r of rows) {
      const m = r[check];
      if (m === 'ok' || seen.has(m)) continue;
      seen.add(m);
      damaged = true;
      problems.push(`SQLite ${check}: ${m}`);
    }
  }
  attempt('SQLite foreign_key_check', () => {
    const fk = db.pragma('foreign_key_check') as unknown[];
    if (fk.length > 0) problems.push(`SQLite foreign_key_check: ${fk.length} rows reference missing runs`);
  });
  for (const c of JSON_CELLS) {
    attempt(`${c.table}.${c.column}`, () => {
      const bad = db.prepare(`SELECT ${c.run} AS run, ${c.row} AS row FROM ${c.table} WHERE json_valid(${c.column}) = 0`).all() as Array<{ run: string; row: string }>;
      for (const b of bad) problems.push(`run ${b.run}: ${c.table}.${c.column}${b.row ? ` (${b.row})` : ''} is not valid JSON`);
    });
  }

  let checkpointsVerified = 0;
  const recorded = new Set<string>();
  attempt('checkpoints', () => {
    for (const c of store.checkpoints()) {
      let file: string;
      try {
        file = store.resolveFile(c.file);
      } catch (err) {
        problems.push(`run ${c.runId} checkpoint epoch ${c.epoch}: ${(err as Error).message}`);
        continue;
      }
      recorded.add(file);
      try {
        const r = readCheckpointFile(file, c.sha256);
        if (r.size !== c.size) problems.push(`run ${c.runId} checkpoint ${file}: size ${r.size} differs from the recorded ${c.size}`);
        else checkpointsVerified++;
      } catch (err) {
        problems.push(`run ${c.runId} checkpoint epoch ${c.epoch}: ${(err as Error).message}`);
      }
    }
  });

  let epochsChecked = 0;
  let runs: ReturnType<Store['listRuns']> = [];
  attempt('runs', () => { runs = store.listRuns(); });
  for (const run of runs) attempt(`run ${run.id}`, () => { epochsChecked += checkSeries(store, run, problems); });

  // Files nobody references: left by a crash between writing a checkpoint and recording it. Harmless.
  for (const run of runs) {
    let names: string[] = [];
    try { names = fs.readdirSync(store.checkpointDir(run.id)); } catch { continue; }
    for (const n of names) {
      const f = store.resolveFile(`checkpoints/${run.id}/${n}`);
      if (!recorded.has(f)) warnings.push(`run ${run.id}: unreferenced file ${f} (left by an interrupted write; safe to delete)`);
    }
  }
  if (damaged) problems.push(`the database file is damaged: ${recoverHint(store.dbPath)}`);
  return { ok: problems.length === 0, dbPath: store.dbPath, runs: runs.length, checkpointsVerified, epochsChecked, problems, warnings };
}

/** One run's epoch and step series: every epoch once, no gaps, as many as recorded. Returns the epochs checked. */
function checkSeries(store: Store, run: ReturnType<Store['listRuns']>[number], problems: string[]): number {
  const epochs = store.epochNumbers(run.id);
  const seen = new Set<number>();
  for (const e of epochs) {
    if (seen.has(e)) problems.push(`run ${run.id}: epoch ${e} stored more than once`);
    seen.add(e);
  }
  const missing: number[] = [];
  const last = epochs.length ? Math.max(...epochs) : 0;
  for (let e = 1; e <= last; e++) if (!seen.has(e)) missing.push(e);
  if (missing.length) problems.push(`run ${run.id}: epochs ${missing.join(', ')} missing from its metric series`);
  if (last !== run.epochsDone) problems.push(`run ${run.id}: records ${run.epochsDone} finished epochs but its metric series ends at epoch ${last}`);
  if (run.status === 'completed' && last !== run.epochsTotal) problems.push(`run ${run.id}: completed with ${last} of ${run.epochsTotal} epochs`);
  const s = store.stepCounts(run.id, 'loss');
  if (s.n > 0 && s.lo !== null && s.hi !== null && (s.lo !== 0 || s.hi - s.lo + 1 !== s.d)) {
    problems.push(`run ${run.id}: step series has gaps (steps ${s.lo}..${s.hi}, ${s.d} present)`);
  }
  return epochs.length;
}
