/**
 * Distributed mode's run transitions (issue 10): a run sent through the broker is owned in the store by the
 * coordinator process (so local reconciling leaves it alone) and held by one worker's lease at a time.
 * Each change is one conditional UPDATE whose changed-row count decides, as in ./runs.ts: of a stale and a
 * fresh claim of the same run exactly one wins, and a requeue of an attempt that moved on changes nothing.
 */
import type { Owner } from './base.js';
import type { RunRecord } from './rows.js';
import { StudyTables } from './studies.js';

const nowIso = (): string => new Date().toISOString();

export class RemoteRunTables extends StudyTables {
  /** Queued or running runs sent through the broker, oldest first. */
  remoteRuns(): RunRecord[] {
    return this.listRuns().filter((r) => r.queueName !== null && (r.status === 'queued' || r.status === 'running')).reverse();
  }

  /** A (re)started coordinator takes over the remote runs of the one before it: they stay live, not interrupted. */
  adoptRemoteRuns(owner: Owner): number {
    return this.write('adoptRemoteRuns', () => this.db.prepare(`UPDATE runs SET owner_pid = ?, owner_host = ?, heartbeat_at = ?
      WHERE queue_name IS NOT NULL AND status IN ('queued', 'running')`).run(owner.pid, owner.host, Date.now())).changes;
  }

  /**
   * A worker claims attempt `attempt` of a run: only while the run is queued or running and still at that attempt.
   * The claim replaces any earlier lease (a stalled job redelivered to another worker supersedes the dead one).
   */
  claimRemote(id: string, attempt: number, workerId: string, lease: string, owner: Owner): RunRecord | null {
    const t = nowIso();
    const changes = this.write(`claimRemote(${id}, attempt ${attempt})`, () => this.db.prepare(`UPDATE runs SET status = 'running', worker_id = ?, lease = ?,
        started_at = ?, updated_at = ?, finished_at = NULL, error = NULL, owner_pid = ?, owner_host = ?, heartbeat_at = ?
      WHERE id = ? AND attempt = ? AND queue_name IS NOT NULL AND status IN ('queued', 'running')`)
      .run(workerId, lease, t, t, owner.pid, owner.host, Date.now(), id, attempt)).changes;
    return changes === 1 ? this.getRun(id) : null;
  }

  /**
   * Dispatches a run again (its job vanished with a restarted Redis, failed, or its worker was lost): the next
   * attempt, queued, no lease. Conditional on the attempt judged lost, so two reconcilers add one attempt.
   */
  requeueRemote(id: string, fromAttempt: number, owner: Owner, note: string | null): RunRecord | null {
    const changes = this.write(`requeueRemote(${id}, attempt ${fromAttempt})`, () => this.db.prepare(`UPDATE runs SET status = 'queued', attempt = attempt + 1,
        worker_id = NULL, lease = NULL, updated_at = ?, error = ?, owner_pid = ?, owner_host = ?, heartbeat_at = ?
      WHERE id = ? AND attempt = ? AND queue_name IS NOT NULL AND status IN ('queued', 'running')`)
      .run(nowIso(), note, owner.pid, owner.host, Date.now(), id, fromAttempt)).changes;
    return changes === 1 ? this.getRun(id) : null;
  }

  /** A run resumed or started through the broker: its queue, and a fresh attempt (a finished job of the last one keeps its id). */
  markRemote(id: string, queue: string, nextAttempt: boolean): RunRecord {
    this.write(`markRemote(${id})`, () => this.db.prepare(`UPDATE runs SET queue_name = ?, attempt = attempt + ?, worker_id = NULL, lease = NULL, updated_at = ?
      WHERE id = ?`).run(queue, nextAttempt ? 1 : 0, nowIso(), id));
    return this.requireRun(id);
  }

  /** The first fingerprint of a run's data is kept; a different later one is the caller's to refuse. */
  setDatasetFingerprint(id: string, fingerprint: string): void {
    this.write(`setDatasetFingerprint(${id})`, () => this.db.prepare('UPDATE runs SET dataset_fingerprint = ? WHERE id = ? AND dataset_fingerprint IS NULL').run(fingerprint, id));
  }
}
