/**
 * Background tasks (an evaluation or an analysis started through the API): one row each with a
 * stored id, so the UI can follow a task to its end and every outcome, failure included, is
 * recorded. Each state change is one conditional UPDATE: a task ends exactly once.
 */
import { ResultTables } from './results.js';
import type { Owner } from './base.js';
import { StoreError } from './errors.js';

import type { TaskKind } from '../shared/channels.js';

export type { TaskKind };
export type TaskStatus = 'queued' | 'running' | 'completed' | 'failed' | 'interrupted';

export interface TaskRecord {
  id: number; kind: TaskKind; runId: string; status: TaskStatus; request: string; error: string | null;
  resultId: number | null; ownerPid: number | null; ownerHost: string | null; createdAt: string; finishedAt: string | null;
}

interface TaskDbRow {
  id: number; kind: TaskKind; run_id: string; status: TaskStatus; request: string; error: string | null; result_id: number | null;
  owner_pid: number | null; owner_host: string | null; created_at: string; finished_at: string | null;
}

const nowIso = (): string => new Date().toISOString();

export class TaskTables extends ResultTables {
  createTask(t: { kind: TaskKind; runId: string; request: unknown; owner: Owner }): number {
    const res = this.write(`createTask(${t.kind}, run ${t.runId})`, () => this.db.prepare(`INSERT INTO tasks (kind, run_id, status, request, owner_pid, owner_host, created_at)
      VALUES (?, ?, 'queued', ?, ?, ?, ?)`).run(t.kind, t.runId, JSON.stringify(t.request), t.owner.pid, t.owner.host, nowIso()));
    return Number(res.lastInsertRowid);
  }

  getTask(id: number): TaskRecord | null {
    const r = this.read(`getTask(${id})`, () => this.db.prepare('SELECT * FROM tasks WHERE id = ?').get(id) as TaskDbRow | undefined);
    return r ? {
      id: r.id, kind: r.kind, runId: r.run_id, status: r.status, request: r.request, error: r.error, resultId: r.result_id,
      ownerPid: r.owner_pid, ownerHost: r.owner_host, createdAt: r.created_at, finishedAt: r.finished_at,
    } : null;
  }

  /** queued -> running; false when the task is no longer queued (it was interrupted meanwhile). */
  startTask(id: number): boolean {
    return this.write(`startTask(${id})`, () => this.db.prepare("UPDATE tasks SET status = 'running' WHERE id = ? AND status = 'queued'").run(id)).changes === 1;
  }

  /** Records a task's outcome once: a task that already ended is left as it is (and that is an error). */
  finishTask(id: number, o: { ok: boolean; error: string | null; resultId?: number | null }): void {
    const res = this.write(`finishTask(${id})`, () => this.db.prepare(`UPDATE tasks SET status = ?, error = ?, result_id = ?, finished_at = ?
      WHERE id = ? AND status IN ('queued', 'running')`).run(o.ok ? 'completed' : 'failed', o.error, o.resultId ?? null, nowIso(), id));
    if (res.changes === 0) throw new StoreError(`finishTask: task ${id} is ${this.getTask(id)?.status ?? 'missing'}, not queued or running`, 'conflict');
  }

  /** This process's unfinished tasks become `interrupted` (the service closes). */
  interruptTasks(owner: Owner, reason: string): number {
    return this.write('interruptTasks', () => this.db.prepare(`UPDATE tasks SET status = 'interrupted', error = ?, finished_at = ?
      WHERE status IN ('queued', 'running') AND owner_pid = ? AND owner_host = ?`).run(reason, nowIso(), owner.pid, owner.host)).changes;
  }
}
