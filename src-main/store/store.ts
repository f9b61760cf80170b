/**
 * The run store: one SQLite database (see ./db.ts) plus checkpoint files in `checkpoints/`
 * beside it. Every multi-row change is one transaction, so a crash leaves either all of it or none.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { RunStatus } from '../api/channels.js';
import { openDatabase, StoreError } from './db.js';
import { ResultTables } from './results.js';
import { checkpointRelPath, resolveInside } from './paths.js';
import type { CheckpointRecord, EpochRecord, RunRecord, StepRow } from './rows.js';

export { StoreError };

interface RunDbRow {
  id: string; name: string; group_name: string | null; config: string; backend: string | null; seed: number;
  status: RunStatus; created_at: string; updated_at: string; started_at: string | null; finished_at: string | null;
  error: string | null; epochs_done: number; epochs_total: number; owner_pid: number | null; owner_host: string | null;
  heartbeat_at: number | null; progress: number; eta_seconds: number | null;
}

const nowIso = (): string => new Date().toISOString();

/** A sortable, unique, path-safe run id: time in base 36 plus 6 random hex digits. */
export function newRunId(): string {
  return `${Date.now().toString(36)}-${crypto.randomBytes(3).toString('hex')}`;
}

function toRun(r: RunDbRow): RunRecord {
  return {
    id: r.id, name: r.name, group: r.group_name, config: JSON.parse(r.config) as Record<string, unknown>,
    backend: r.backend, seed: r.seed, status: r.status, createdAt: r.created_at, updatedAt: r.updated_at,
    startedAt: r.started_at, finishedAt: r.finished_at, error: r.error, epochsDone: r.epochs_done,
    epochsTotal: r.epochs_total, ownerPid: r.owner_pid, ownerHost: r.owner_host, heartbeatAt: r.heartbeat_at,
    progress: r.progress, etaSeconds: r.eta_seconds,
  };
}

export class Store extends ResultTables {
  /** The folder holding the database and the checkpoint files. */
  readonly home: string;

  constructor(readonly dbPath: string) {
    super(openDatabase(dbPath));
    this.home = path.dirname(path.resolve(dbPath));
  }

  close(): void { if (this.db.open) this.db.close(); }

  // ---------------------------------------------------------------- runs
  /** A new run, `queued` and owned by `owner` (the process whose queue holds it). */
  createRun(r: { id?: string; name: string; group: string | null; config: Record<string, unknown>; seed: number; epochsTotal: number; owner?: { pid: number; host: string } }): RunRecord {
    const id = r.id ?? newRunId();
    const t = nowIso();
    this.db.prepare(`INSERT INTO runs (id, name, group_name, config, seed, status, created_at, updated_at, epochs_total, owner_pid, owner_host, heartbeat_at)
      VALUES (?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?)`).run(id, r.name, r.group, JSON.stringify(r.config), r.seed, t, t, r.epochsTotal,
      r.owner?.pid ?? null, r.owner?.host ?? null, r.owner ? Date.now() : null);
    return this.requireRun(id);
  }

  getRun(id: string): RunRecord | null {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunDbRow | undefined;
    return row ? toRun(row) : null;
  }

  requireRun(id: string): RunRecord {
    const r = this.getRun(id);
    if (!r) throw new StoreError(`Store.requireRun: no run ${JSON.stringify(id)} in ${this.dbPath}`);
    return r;
  }

  listRuns(o: { status?: RunStatus; limit?: number } = {}): RunRecord[] {
    const rows = (o.status
      ? this.db.prepare('SELECT * FROM runs WHERE status = ? ORDER BY created_at DESC, id DESC LIMIT ?').all(o.status, o.limit ?? -1)
      : this.db.prepare('SELECT * FROM runs ORDER BY created_at DESC, id DESC LIMIT ?').all(o.limit ?? -1)) as RunDbRow[];
    return rows.map(toRun);
  }

  /** Sets the status (and error); `running` records the owner process, terminal states the finish time. */
  setStatus(id: string, status: RunStatus, o: { error?: string | null; backend?: string; owner?: { pid: number; host: string } } = {}): void {
    const t = nowIso();
    const terminal = status === 'completed' || status === 'failed' || status === 'cancelled' || status === 'interrupted';
    const res = this.db.prepare(`UPDATE runs SET status = ?, updated_at = ?, error = ?,
        backend = COALESCE(?, backend),
        started_at = CASE WHEN ? = 'running' THEN ? ELSE started_at END,
        finished_at = CASE WHEN ? THEN ? WHEN ? IN ('queued', 'running') THEN NULL ELSE finished_at END,
        owner_pid = ?, owner_host = ?, heartbeat_at = ?
      WHERE id = ?`).run(status, t, o.error ?? null, o.backend ?? null, status, t, terminal ? 1 : 0, t, status,
      o.owner?.pid ?? null, o.owner?.host ?? null, o.owner ? Date.now() : null, id);
    if (res.changes === 0) throw new StoreError(`Store.setStatus: no run ${JSON.stringify(id)}`);
  }

  setBackend(id: string, backend: string): void {
    this.db.prepare('UPDATE runs SET backend = ?, updated_at = ? WHERE id = ?').run(backend, nowIso(), id);
  }

  /** The owner's heartbeat: the time, and each run's progress for other processes to show. */
  heartbeat(runs: Array<{ id: string; progress?: number; etaSeconds?: number | null }>): void {
    const stmt = this.db.prepare('UPDATE runs SET heartbeat_at = ?, progress = COALESCE(?, progress), eta_seconds = ? WHERE id = ?');
    const t = Date.now();
    this.db.transaction(() => { for (const r of runs) stmt.run(t, r.progress ?? null, r.etaSeconds ?? null, r.id); })();
  }

  /**
   * Marks `running`/`queued` runs whose owner process is gone as `interrupted` (they can be
   * resumed); runs owned by a live process (another CLI, the desktop app) are left alone.
   */
  reconcileInterrupted(isOwnerAlive: (r: RunRecord) => boolean): string[] {
    // Cheap read first: the write lock is taken only when some run needs marking.
    const candidates = this.db.prepare("SELECT COUNT(*) n FROM runs WHERE status IN ('running', 'queued')").get() as { n: number };
    if (candidates.n === 0) return [];
    if (!this.listRuns().some((r) => (r.status === 'running' || r.status === 'queued') && !isOwnerAlive(r))) return [];
    return this.db.transaction(() => {
      const stale = this.listRuns().filter((r) => (r.status === 'running' || r.status === 'queued') && !isOwnerAlive(r));
      for (const r of stale) {
        this.setStatus(r.id, 'interrupted', { error: `interrupted: the process that ran it (pid ${r.ownerPid ?? '?'}) stopped; resume it to continue from its last checkpoint` });
      }
      return stale.map((r) => r.id);
    }).immediate();
  }

  deleteRun(id: string): void {
    this.requireRun(id);
    this.db.prepare('DELETE FROM runs WHERE id = ?').run(id);
    fs.rmSync(this.checkpointDir(id), { recursive: true, force: true });
  }

  // ---------------------------------------------------------------- metrics
  /** Stores step metrics (long format, one row per term) and, in the same transaction, an epoch row. */
  appendMetrics(runId: string, steps: StepRow[], epoch?: EpochRecord): void {
    const ins = this.db.prepare('INSERT OR REPLACE INTO step_metrics (run_id, term, step, epoch, value, time) VALUES (?, ?, ?, ?, ?, ?)');
    this.db.transaction(() => {
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
    })();
  }

  epochs(runId: string): EpochRecord[] {
    const rows = this.db.prepare('SELECT * FROM epoch_metrics WHERE run_id = ? ORDER BY epoch').all(runId) as Array<{
      epoch: number; nat_accuracy: number; pgd_accuracy: number; train_accuracy: number; learning_rate: number; seconds: number; terms: string;
      dead_latent_fraction: number | null; collapse_warning: string | null;
    }>;
    return rows.map((r) => ({
      epoch: r.epoch, natAccuracy: r.nat_accuracy, pgdAccuracy: r.pgd_accuracy, trainAccuracy: r.train_accuracy,
      learningRate: r.learning_rate, seconds: r.seconds, terms: JSON.parse(r.terms) as Record<string, number>,
      deadLatentFraction: r.dead_latent_fraction, collapseWarning: r.collapse_warning,
    }));
  }

  stepTerms(runId: string): string[] {
    return (this.db.prepare('SELECT DISTINCT term FROM step_metrics WHERE run_id = ? ORDER BY term').all(runId) as Array<{ term: string }>).map((r) => r.term);
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
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM step_metrics WHERE run_id = ? AND step >= ?').run(runId, globalStep);
      this.db.prepare('DELETE FROM epoch_metrics WHERE run_id = ? AND epoch > ?').run(runId, epoch);
      this.db.prepare('DELETE FROM selection_snapshots WHERE run_id = ? AND epoch > ?').run(runId, epoch);
      this.db.prepare('DELETE FROM rdiv_epochs WHERE run_id = ? AND epoch > ?').run(runId, epoch);
      this.db.prepare('DELETE FROM checkpoints WHERE run_id = ? AND epoch > ?').run(runId, epoch);
      this.db.prepare('UPDATE runs SET epochs_done = ?, updated_at = ? WHERE id = ?').run(epoch, nowIso(), runId);
    })();
  }

  // ---------------------------------------------------------------- checkpoints
  checkpointDir(runId: string): string { return resolveInside(this.home, path.join('checkpoints', runId), 'Store.checkpointDir'); }

  checkpointFile(runId: string, epoch: number): string { return checkpointRelPath(runId, epoch); }

  resolveFile(relative: string): string { return resolveInside(this.home, relative, 'Store.resolveFile'); }

  addCheckpoint(c: Omit<CheckpointRecord, 'createdAt'>): void {
    this.resolveFile(c.file);
    this.db.prepare(`INSERT OR REPLACE INTO checkpoints (run_id, epoch, global_step, file, size, sha256, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?)`).run(c.runId, c.epoch, c.globalStep, c.file, c.size, c.sha256, nowIso());
  }

  checkpoints(runId?: string): CheckpointRecord[] {
    const rows = (runId
      ? this.db.prepare('SELECT * FROM checkpoints WHERE run_id = ? ORDER BY epoch DESC').all(runId)
      : this.db.prepare('SELECT * FROM checkpoints ORDER BY run_id, epoch DESC').all()) as Array<{
      run_id: string; epoch: number; global_step: number; file: string; size: number; sha256: string; created_at: string;
    }>;
    return rows.map((r) => ({ runId: r.run_id, epoch: r.epoch, globalStep: r.global_step, file: r.file, size: r.size, sha256: r.sha256, createdAt: r.created_at }));
  }

  /** Keeps the newest `keep` checkpoints of a run (rows first, then files: a crash leaves only orphan files). */
  pruneCheckpoints(runId: string, keep: number): void {
    const old = this.checkpoints(runId).slice(keep);
    if (old.length === 0) return;
    const del = this.db.prepare('DELETE FROM checkpoints WHERE run_id = ? AND epoch = ?');
    this.db.transaction(() => { for (const c of old) del.run(runId, c.epoch); })();
    for (const c of old) fs.rmSync(this.resolveFile(c.file), { force: true });
  }
}
