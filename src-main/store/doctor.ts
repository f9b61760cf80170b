/**
 * `ascl doctor`: checks a store and names every problem it finds. SQLite's integrity check,
 * every recorded checkpoint readable and verified against its SHA-256, and every run's epoch
 * and step series without gaps or duplicates.
 */
import fs from 'node:fs';
import { readCheckpointFile } from './checkpoint-file.js';
import type { Store } from './store.js';

export interface DoctorReport {
  ok: boolean;
  dbPath: string;
  runs: number;
  checkpointsVerified: number;
  epochsChecked: number;
  problems: string[];
  warnings: string[];
}

export function doctor(store: Store): DoctorReport {
  const problems: string[] = [];
  const warnings: string[] = [];
  const integrity = store.db.pragma('integrity_check') as Array<{ integrity_check: string }>;
  for (const r of integrity) if (r.integrity_check !== 'ok') problems.push(`SQLite integrity_check: ${r.integrity_check}`);
  const fk = store.db.pragma('foreign_key_check') as unknown[];
  if (fk.length > 0) problems.push(`SQLite foreign_key_check: ${fk.length} rows reference missing runs`);

  let checkpointsVerified = 0;
  const recorded = new Set<string>();
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

  let epochsChecked = 0;
  const runs = store.listRuns();
  const stepCounts = store.db.prepare(`SELECT COUNT(*) n, COUNT(DISTINCT step) d, MIN(step) lo, MAX(step) hi
    FROM step_metrics WHERE run_id = ? AND term = 'loss'`);
  for (const run of runs) {
    const epochs = store.epochs(run.id).map((e) => e.epoch);
    epochsChecked += epochs.length;
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
    const s = stepCounts.get(run.id) as { n: number; d: number; lo: number | null; hi: number | null };
    if (s.n > 0 && s.lo !== null && s.hi !== null && (s.lo !== 0 || s.hi - s.lo + 1 !== s.d)) {
      problems.push(`run ${run.id}: step series has gaps (steps ${s.lo}..${s.hi}, ${s.d} present)`);
    }
  }

  // Files nobody references: left by a crash between writing a checkpoint and recording it. Harmless.
  for (const run of runs) {
    let names: string[] = [];
    try { names = fs.readdirSync(store.checkpointDir(run.id)); } catch { continue; }
    for (const n of names) {
      const f = store.resolveFile(`checkpoints/${run.id}/${n}`);
      if (!recorded.has(f)) warnings.push(`run ${run.id}: unreferenced file ${f} (left by an interrupted write; safe to delete)`);
    }
  }
  return { ok: problems.length === 0, dbPath: store.dbPath, runs: runs.length, checkpointsVerified, epochsChecked, problems, warnings };
}
