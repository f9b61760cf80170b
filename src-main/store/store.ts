/**
 * The run store: one SQLite database (see ./db.ts) plus checkpoint files in `checkpoints/`
 * beside it. Every multi-row change is one transaction, so a crash leaves either all of it or none.
 * Run states are in ./runs.ts, tasks in ./tasks.ts, results in ./results.ts; this file holds the
 * metric series and the checkpoint rows.
 */
import fs from 'node:fs';
import path from 'node:path';
import { openStoreDatabase, type OpenOptions } from './db.js';
import { RunConflictError, StoreError } from './errors.js';
import { checkpointRelPath, resolveInside } from './paths.js';
import type { CheckpointRecord, EpochRecord, StepRow } from './rows.js';
import { newRunId } from './runs.js';
import { WorkerTables } from './workers.js';

export { StoreError, RunConflictError, newRunId };
export type { OpenOptions };

const nowIso = (): string => new Date().toISOString();

export class Store extends WorkerTables {
  /** The folder holding the database and the checkpoint files. */
  readonly home: string;

  constructor(dbPath: string, options: OpenOptions = {}) {
    super(openStoreDatabase(dbPath, options), dbPath);
    this.home = path.dirname(path.resolve(dbPath));
  }

  /** Deletes a run that is not queued or running, then its checkpoint folder. */
  deleteRun(id: string): void {
    this.deleteRunRow(id);
    fs.rmSync(this.checkpointDir(id), { recursive: true, force: true });
  }

  // ---------------------------------------------------------------- metrics
  /** Stores step metrics (long format, one row per term) and, in the same transaction, an epoch row. */
  appendMetrics(runId: string, steps: StepRow[], epoch?: EpochRecord): void {
    const ins = this.db.prepare('INSERT OR REPLACE INTO step_metrics (run_id, term, step, epoch, value, time) VALUES (?, ?, ?, ?, ?, ?)');
    this.transaction(() => {
      for (const s of steps) {
        for (const [term, value] of Object.entries(s.values)) ins.run(runId, term, s.step, s.epoch, Number.isFinite(value) ? value : null, Math.round(s.time));
      }
      if (epoch) {
        // Plain INSERT: UNIQUE(run_id, epoch) makes a duplicate epoch an error, never a second row.
        this.db.prepare(`INSERT INTO epoch_metrics (run_id, epoch, nat_accuracy, pgd_accuracy, train_accuracy, learning_rate, seconds, terms, created_at,
          dead_latent_fraction, collapse_warning) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(runId, epoch.epoch, epoch.natAccuracy, epoch.pgdAccuracy, epoch.trainAccuracy,
          epoch.learningRate, epoch.seconds, JSON.stringify(epoch.terms), nowIso(), epoch.deadLatentFraction ?? null, epoch.collapseWarning ?? null);
        this.db.prepare('UPDATE runs SET epochs_done = ?, updated_at = ? WHERE id = ?').run(epoch.epoch, nowIso(), runId);
      }
    }, `appendMetrics(run ${runId}, ${steps.length} steps${epoch ? `, epoch ${epoch.epoch}` : ''})`);
  }

  epochs(runId: string): EpochRecord[] {
    const rows = this.read(`epochs(${runId})`, () => this.db.prepare('SELECT * FROM epoch_metrics WHERE run_id = ? ORDER BY epoch').all(runId) as Array<{
      epoch: number; nat_accuracy: number; pgd_accuracy: number; train_accuracy: number; learning_rate: number; seconds: number; terms: string;
      dead_latent_fraction: number | null; collapse_warning: string | null;
    }>);
    return rows.map((r) => ({
      epoch: r.epoch, natAccuracy: r.nat_accuracy, pgdAccuracy: r.pgd_accuracy, trainAccuracy: r.train_accuracy,
      learningRate: r.learning_rate, seconds: r.seconds,
      terms: this.parseCell<Record<string, number>>(r.terms, { runId, table: 'epoch_metrics', column: 'terms', row: `epoch ${r.epoch}` }),
      deadLatentFraction: r.dead_latent_fraction, collapseWarning: r.collapse_warning,
    }));
  }

  // Training health: the runs list marks runs whose training may have collapsed.
  /** The newest epoch of a run with a collapse warning (engine/train/collapse.ts), or null. */
  latestCollapse(runId: string): { epoch: number; warning: string } | null {
    const r = this.read(`latestCollapse(${runId})`, () => this.db.prepare(
      'SELECT epoch, collapse_warning FROM epoch_metrics WHERE run_id = ? AND collapse_warning IS NOT NULL ORDER BY epoch DESC LIMIT 1').get(runId) as
      { epoch: number; collapse_warning: string } | undefined);
    return r ? { epoch: r.epoch, warning: r.collapse_warning } : null;
  }

  /** The epoch numbers stored for a run, in order (without parsing their terms). */
  epochNumbers(runId: string): number[] {
    return this.read(`epochNumbers(${runId})`, () => (this.db.prepare('SELECT epoch FROM epoch_metrics WHERE run_id = ? ORDER BY epoch').all(runId) as Array<{ epoch: number }>).map((r) => r.epoch));
  }

  /** Count, distinct steps and range of one term's step series (the doctor's gap check). */
  stepCounts(runId: string, term: string): { n: number; d: number; lo: number | null; hi: number | null } {
    return this.read(`stepCounts(${runId})`, () => this.db.prepare(`SELECT COUNT(*) n, COUNT(DISTINCT step) d, MIN(step) lo, MAX(step) hi
      FROM step_metrics WHERE run_id = ? AND term = ?`).get(runId, term) as { n: number; d: number; lo: number | null; hi: number | null });
  }

  /** The names of the step terms stored for a run (metrics:terms). */
  stepTerms(runId: string): string[] {
    return this.read(`stepTerms(${runId})`, () => (this.db.prepare('SELECT DISTINCT term FROM step_metrics WHERE run_id = ? ORDER BY term').all(runId) as Array<{ term: string }>).map((r) => r.term));
  }

  /**
   * One term's step series in at most `maxPoints` buckets of equal step width, keeping each
   * bucket's min and max (extremes are never hidden) and mean; no sampling.
   */
  stepSeries(runId: string, term: string, maxPoints: number): Array<{ step: number; min: number; max: number; mean: number; time: number }> {
    const range = this.db.prepare('SELECT MIN(step) lo, MAX(step) hi, COUNT(*) n FROM step_metrics WHERE run_id = ? AND term = ?')
      .get(runId, term) as { lo: number | null; hi: number | null; n: number };
    if (range.n === 0 || range.lo === null || range.hi === null) return [];
    if (range.n <= maxPoints) {
      const rows = this.db.prepare('SELECT step, value, time FROM step_metrics WHERE run_id = ? AND term = ? ORDER BY step')
        .all(runId, term) as Array<{ step: number; value: number | null; time: number }>;
      return rows.map((r) => ({ step: r.step, min: r.value ?? NaN, max: r.value ?? NaN, mean: r.value ?? NaN, time: r.time }));
    }
    const span = range.hi - range.lo + 1;
    const rows = this.db.prepare(`SELECT CAST((step - @lo) * @buckets / @span AS INTEGER) AS b, MIN(step) step, MIN(value) min, MAX(value) max,
        AVG(value) mean, MIN(time) time FROM step_metrics WHERE run_id = @runId AND term = @term GROUP BY b ORDER BY b`)
      .all({ lo: range.lo, buckets: maxPoints, span, runId, term }) as Array<{ step: number; min: number | null; max: number | null; mean: number | null; time: number }>;
    return rows.map((r) => ({ step: r.step, min: r.min ?? NaN, max: r.max ?? NaN, mean: r.mean ?? NaN, time: r.time }));
  }

  /**
   * Before a resume from a checkpoint after `epoch` (global step `globalStep`): drops what was
   * recorded after it (a killed epoch's partial steps, an epoch row whose checkpoint never landed),
   * so the resumed run re-records it exactly once.
   */
  truncateAfter(runId: string, epoch: number, globalStep: number): void {
    this.transaction(() => {
      this.db.prepare('DELETE FROM step_metrics WHERE run_id = ? AND step >= ?').run(runId, globalStep);
      this.db.prepare('DELETE FROM epoch_metrics WHERE run_id = ? AND epoch > ?').run(runId, epoch);
      this.db.prepare('DELETE FROM selection_snapshots WHERE run_id = ? AND epoch > ?').run(runId, epoch);
      this.db.prepare('DELETE FROM rdiv_epochs WHERE run_id = ? AND epoch > ?').run(runId, epoch);
      this.db.prepare('DELETE FROM checkpoints WHERE run_id = ? AND epoch > ?').run(runId, epoch);
      this.db.prepare('UPDATE runs SET epochs_done = ?, updated_at = ? WHERE id = ?').run(epoch, nowIso(), runId);
    }, `truncateAfter(run ${runId}, epoch ${epoch})`);
  }

  // ---------------------------------------------------------------- checkpoints
  checkpointDir(runId: string): string { return resolveInside(this.home, path.join('checkpoints', runId), 'Store.checkpointDir'); }

  checkpointFile(runId: string, epoch: number): string { return checkpointRelPath(runId, epoch); }

  resolveFile(relative: string): string { return resolveInside(this.home, relative, 'Store.resolveFile'); }

  addCheckpoint(c: Omit<CheckpointRecord, 'createdAt'>): void {
    this.resolveFile(c.file);
    this.write(`addCheckpoint(run ${c.runId}, epoch ${c.epoch})`, () => this.db.prepare(`INSERT OR REPLACE INTO checkpoints (run_id, epoch, global_step, file, size, sha256, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?)`).run(c.runId, c.epoch, c.globalStep, c.file, c.size, c.sha256, nowIso()));
  }

  checkpoints(runId?: string): CheckpointRecord[] {
    const rows = this.read('checkpoints', () => (runId
      ? this.db.prepare('SELECT * FROM checkpoints WHERE run_id = ? ORDER BY epoch DESC').all(runId)
      : this.db.prepare('SELECT * FROM checkpoints ORDER BY run_id, epoch DESC').all())) as Array<{
      run_id: string; epoch: number; global_step: number; file: string; size: number; sha256: string; created_at: string;
    }>;
    return rows.map((r) => ({ runId: r.run_id, epoch: r.epoch, globalStep: r.global_step, file: r.file, size: r.size, sha256: r.sha256, createdAt: r.created_at }));
  }

  /** Keeps the newest `keep` checkpoints of a run (rows first, then files: a crash leaves only orphan files). */
  pruneCheckpoints(runId: string, keep: number): void {
    const old = this.checkpoints(runId).slice(keep);
    if (old.length === 0) return;
    const del = this.db.prepare('DELETE FROM checkpoints WHERE run_id = ? AND epoch = ?');
    this.transaction(() => { for (const c of old) del.run(runId, c.epoch); }, `pruneCheckpoints(run ${runId})`);
    for (const c of old) fs.rmSync(this.resolveFile(c.file), { force: true });
  }
}
