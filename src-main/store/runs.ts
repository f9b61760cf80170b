/**
 * The runs table and every state transition of a run. Each transition is one conditional UPDATE
 * (`... WHERE id = ? AND status IN (...) [AND owner = ?]`) inside one IMMEDIATE transaction, and
 * its changed-row count decides: exactly one process wins a run; the loser gets a
 * RunConflictError naming the run and the status it found. Nothing checks first and writes later.
 */
import crypto from 'node:crypto';
import type { RunStatus } from '../shared/channels.js';
import { readStoredConfig, toStoredConfig } from '../shared/config-migrations.js';
import { parseRunConfig, type RunConfig } from '../shared/run-config.js';
import { RunDeviceSchema, type RunDevice } from '../shared/run-device.js';
import type { Owner } from './base.js';
import { RunConflictError, StoreError } from './errors.js';
import type { RunRecord } from './rows.js';
import { TaskTables } from './tasks.js';

interface RunDbRow {
  id: string; name: string; group_name: string | null; config: string; backend: string | null; seed: number;
  status: RunStatus; created_at: string; updated_at: string; started_at: string | null; finished_at: string | null;
  error: string | null; epochs_done: number; epochs_total: number; owner_pid: number | null; owner_host: string | null;
  heartbeat_at: number | null; progress: number; eta_seconds: number | null;
  device: string | null;
  queue_name: string | null; attempt: number; worker_id: string | null; lease: string | null; dataset_fingerprint: string | null;
}

const nowIso = (): string => new Date().toISOString();
const TERMINAL: readonly RunStatus[] = ['completed', 'failed', 'cancelled', 'interrupted'];
export const RESUMABLE: readonly RunStatus[] = ['interrupted', 'failed', 'cancelled'];
export const ACTIVE: readonly RunStatus[] = ['queued', 'running'];

/** A sortable, unique, path-safe run id: time in base 36 plus 6 random hex digits. */
export function newRunId(): string {
  return `${Date.now().toString(36)}-${crypto.randomBytes(3).toString('hex')}`;
}

export interface TransitionOptions {
  /** The statuses the run may be in; any other is a conflict. */
  from: readonly RunStatus[];
  /** The change is allowed only while this process owns the run. */
  owner?: Owner;
  /** The process that owns the run afterwards (queued/running); terminal states clear the owner. */
  claim?: Owner;
  error?: string | null;
  backend?: string;
  /** The caller's name, for messages. */
  where: string;
  /** The message of a lost transition (default: the run's status and owner). */
  conflict?: (current: RunRecord) => string;
}

/** The `config` of a run whose stored configuration cannot be read (see `damage`). */
const DAMAGED_PLACEHOLDER: RunConfig = parseRunConfig({});

const ownerText = (r: RunRecord): string => (r.ownerPid !== null ? ` (owned by pid ${r.ownerPid} on ${r.ownerHost ?? '?'})` : '');

export class RunTables extends TaskTables {
  /**
   * A run row; its stored configuration is migrated to the current version (shared/config-migrations.ts).
   * A configuration that cannot be read (not JSON, not an object, a newer version, invalid) marks the run
   * damaged instead of failing the whole listing; its `config` then holds the defaults, never used.
   */
  private toRun(r: RunDbRow): RunRecord {
    let config: RunConfig = DAMAGED_PLACEHOLDER;
    let damage: string | null = null;
    try {
      const stored = this.parseCell<unknown>(r.config, { runId: r.id, table: 'runs', column: 'config' });
      if (!stored || typeof stored !== 'object' || Array.isArray(stored)) throw new StoreError(`run ${r.id}: the stored runs.config is not a JSON object`, 'corrupt-cell');
      config = readStoredConfig(stored, `Store: run ${r.id}`);
    } catch (err) {
      damage = (err as Error).message;
    }
    return {
      id: r.id, name: r.name, group: r.group_name, config, damage,
      backend: r.backend, seed: r.seed, status: r.status, createdAt: r.created_at, updatedAt: r.updated_at,
      startedAt: r.started_at, finishedAt: r.finished_at, error: r.error, epochsDone: r.epochs_done,
      epochsTotal: r.epochs_total, ownerPid: r.owner_pid, ownerHost: r.owner_host, heartbeatAt: r.heartbeat_at,
      progress: r.progress, etaSeconds: r.eta_seconds, device: this.readDevice(r),
      // Distributed mode (v11); a row read before the migration ran has none of them.
      queueName: r.queue_name ?? null, attempt: r.attempt ?? 1, workerId: r.worker_id ?? null, lease: r.lease ?? null,
      datasetFingerprint: r.dataset_fingerprint ?? null,
    };
  }

  /** A new run, `queued` and owned by `owner` (the process whose queue holds it). */
  createRun(r: { id?: string; name: string; group: string | null; config: RunConfig; seed: number; epochsTotal: number; owner?: Owner; queueName?: string | null }): RunRecord {
    const id = r.id ?? newRunId();
    const t = nowIso();
    this.write(`createRun(${id})`, () => this.db.prepare(`INSERT INTO runs (id, name, group_name, config, seed, status, created_at, updated_at, epochs_total, owner_pid, owner_host, heartbeat_at, queue_name)
      VALUES (?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?)`).run(id, r.name, r.group, JSON.stringify(toStoredConfig(r.config)), r.seed, t, t, r.epochsTotal,
      r.owner?.pid ?? null, r.owner?.host ?? null, r.owner ? Date.now() : null, r.queueName ?? null));
    return this.requireRun(id);
  }

  getRun(id: string): RunRecord | null {
    const row = this.read(`getRun(${id})`, () => this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunDbRow | undefined);
    return row ? this.toRun(row) : null;
  }

  requireRun(id: string): RunRecord {
    const r = this.getRun(id);
    if (!r) throw new StoreError(`Store.requireRun: no run ${JSON.stringify(id)} in ${this.dbPath}`, 'not-found');
    return r;
  }

  listRuns(o: { status?: RunStatus; limit?: number } = {}): RunRecord[] {
    const rows = this.read('listRuns', () => (o.status
      ? this.db.prepare('SELECT * FROM runs WHERE status = ? ORDER BY created_at DESC, id DESC LIMIT ?').all(o.status, o.limit ?? -1)
      : this.db.prepare('SELECT * FROM runs ORDER BY created_at DESC, id DESC LIMIT ?').all(o.limit ?? -1)) as RunDbRow[]);
    return rows.map((r) => this.toRun(r));
  }

  /**
   * One state transition: a single conditional UPDATE in an IMMEDIATE transaction. Returns the
   * run as it is afterwards; throws RunConflictError (or `not-found`) when the condition fails.
   */
  transition(id: string, to: RunStatus, o: TransitionOptions): RunRecord {
    const t = nowIso();
    const terminal = TERMINAL.includes(to);
    const next = terminal ? null : (o.claim ?? o.owner ?? null);
    return this.transaction(() => {
      const res = this.db.prepare(`UPDATE runs SET status = @to, updated_at = @t, error = @error,
          backend = COALESCE(@backend, backend),
          started_at = CASE WHEN @to = 'running' THEN @t ELSE started_at END,
          finished_at = CASE WHEN @terminal THEN @t WHEN @to IN ('queued', 'running') THEN NULL ELSE finished_at END,
          owner_pid = @pid, owner_host = @host, heartbeat_at = @hb
        WHERE id = @id AND status IN (SELECT value FROM json_each(@from))
          AND (@ownerPid IS NULL OR (owner_pid = @ownerPid AND owner_host = @ownerHost))`).run({
        to, t, error: o.error ?? null, backend: o.backend ?? null, terminal: terminal ? 1 : 0, pid: next?.pid ?? null, host: next?.host ?? null,
        hb: next ? Date.now() : null, id, from: JSON.stringify(o.from), ownerPid: o.owner?.pid ?? null, ownerHost: o.owner?.host ?? null,
      });
      const after = this.getRun(id);
      if (!after) throw new StoreError(`${o.where}: no run ${JSON.stringify(id)} in ${this.dbPath}`, 'not-found');
      if (res.changes !== 1) {
        const message = o.conflict?.(after) ?? `${o.where}: run ${id} is ${after.status}${ownerText(after)}; expected ${o.from.join(' or ')}${o.owner ? ` owned by pid ${o.owner.pid}` : ''}`;
        throw new RunConflictError(message, id, after.status);
      }
      return after;
    }, `${o.where}: run ${id} -> ${to}`);
  }

  /** `runs:resume`: an interrupted, failed or cancelled run becomes queued and owned by `owner`; exactly one of concurrent callers wins. */
  claimForResume(id: string, owner: Owner, where = 'runs:resume'): RunRecord {
    return this.transition(id, 'queued', { from: RESUMABLE, claim: owner, where,
      conflict: (r) => `${where}: run ${id} is ${r.status}${ownerText(r)}; only interrupted, failed or cancelled runs resume` });
  }

  /** The owner starts its queued run; another process that took it meanwhile wins. */
  startRun(id: string, owner: Owner, where = 'train-job'): RunRecord {
    return this.transition(id, 'running', { from: ['queued'], owner, where,
      conflict: (r) => `${where}: run ${id} is ${r.status}${ownerText(r)}; this process (pid ${owner.pid}) no longer owns it and does not start it` });
  }

  /** The owner records how its run ended (completed, failed, cancelled, interrupted). */
  finishRun(id: string, status: 'completed' | 'failed' | 'cancelled' | 'interrupted', owner: Owner, error: string | null, where = 'train-job'): RunRecord {
    return this.transition(id, status, { from: ACTIVE, owner, error, where });
  }

  /**
   * Marks `running`/`queued` runs whose owner process is gone as `interrupted` (they can be
   * resumed); runs owned by a live process (another CLI, the desktop app) are left alone. Each
   * mark is conditional on the run still having the owner and heartbeat that were judged dead.
   */
  reconcileInterrupted(isOwnerAlive: (r: RunRecord) => boolean): string[] {
    // Cheap read first: the write lock is taken only when some run needs marking.
    const stale = this.listRuns().filter((r) => ACTIVE.includes(r.status) && !isOwnerAlive(r));
    if (stale.length === 0 || this.readonly) return [];
    const mark = (r: RunRecord): boolean => this.db.prepare(`UPDATE runs SET status = 'interrupted', updated_at = @t, finished_at = @t, error = @error,
        owner_pid = NULL, owner_host = NULL, heartbeat_at = NULL
      WHERE id = @id AND status IN ('running', 'queued') AND owner_pid IS @pid AND owner_host IS @host AND heartbeat_at IS @hb`).run({
      t: nowIso(), id: r.id, pid: r.ownerPid, host: r.ownerHost, hb: r.heartbeatAt,
      error: `interrupted: the process that ran it (pid ${r.ownerPid ?? '?'}) stopped; resume it to continue from its last checkpoint`,
    }).changes === 1;
    return this.transaction(() => stale.filter(mark).map((r) => r.id), 'reconcileInterrupted');
  }

  /** Deletes a run that is not queued or running (one conditional DELETE) and its checkpoint folder. */
  deleteRunRow(id: string, where = 'runs:delete'): void {
    this.transaction(() => {
      const res = this.db.prepare("DELETE FROM runs WHERE id = ? AND status NOT IN ('queued', 'running')").run(id);
      if (res.changes === 1) return;
      const r = this.getRun(id);
      if (!r) throw new StoreError(`${where}: no run ${JSON.stringify(id)} in ${this.dbPath}`, 'not-found');
      throw new RunConflictError(`${where}: run ${id} is ${r.status}${ownerText(r)}; cancel it first`, id, r.status);
    }, `${where}(${id})`);
  }

  /** The run's device (JSON RunDevice); a cell that does not parse reads as null (it is informational only). */
  private readDevice(r: RunDbRow): RunDevice | null {
    if (r.device === null || r.device === undefined) return null;
    let stored: unknown;
    try {
      stored = JSON.parse(r.device);
    } catch {
      return null; // informational: a damaged cell must not hide the run
    }
    const parsed = RunDeviceSchema.safeParse(stored);
    return parsed.success ? parsed.data : null;
  }

  setBackend(id: string, backend: string, device: RunDevice | null = null): void {
    const cell = device ? JSON.stringify(RunDeviceSchema.parse(device)) : null;
    this.write(`setBackend(${id})`, () => this.db.prepare('UPDATE runs SET backend = ?, device = COALESCE(?, device), updated_at = ? WHERE id = ?').run(backend, cell, nowIso(), id));
  }

  /** The owner's heartbeat: the time, and each run's progress for other processes to show (only runs it still owns). */
  heartbeat(runs: Array<{ id: string; progress?: number; etaSeconds?: number | null }>, owner?: Owner): void {
    const stmt = this.db.prepare(`UPDATE runs SET heartbeat_at = ?, progress = COALESCE(?, progress), eta_seconds = ?
      WHERE id = ? AND (? IS NULL OR (owner_pid = ? AND owner_host = ?))`);
    const t = Date.now();
    this.transaction(() => {
      for (const r of runs) stmt.run(t, r.progress ?? null, r.etaSeconds ?? null, r.id, owner?.pid ?? null, owner?.pid ?? null, owner?.host ?? null);
    }, 'heartbeat');
  }
}
