/**
 * The workers table (distributed mode): what the coordinator last heard from each `ascl worker` (hello,
 * heartbeats), for the Workers view and `ascl workers`. Informational: a row that no longer parses is skipped.
 */
import { WORKER_LOST_MS, type WorkerInfo } from '../shared/workers.js';
import { RemoteRunTables } from './remote-runs.js';

export class WorkerTables extends RemoteRunTables {
  upsertWorker(info: WorkerInfo, at: number = Date.now()): void {
    this.write(`upsertWorker(${info.id})`, () => this.db.prepare(`INSERT INTO workers (id, info, last_heartbeat) VALUES (?, ?, ?)
      ON CONFLICT(id) DO UPDATE SET info = excluded.info, last_heartbeat = excluded.last_heartbeat`).run(info.id, JSON.stringify(info), at));
  }

  /** Workers heard from since `sinceMs` (ms since the epoch), newest heartbeat first, with the time of that heartbeat. */
  listWorkers(sinceMs = 0): Array<{ info: WorkerInfo; lastHeartbeat: number }> {
    const rows = this.read('listWorkers', () => this.db.prepare('SELECT info, last_heartbeat FROM workers WHERE last_heartbeat >= ? ORDER BY last_heartbeat DESC')
      .all(sinceMs) as Array<{ info: string; last_heartbeat: number }>);
    return rows.flatMap((r) => {
      try {
        const info = JSON.parse(r.info) as WorkerInfo;
        return typeof info === 'object' && info !== null && typeof info.id === 'string' ? [{ info, lastHeartbeat: r.last_heartbeat }] : [];
      } catch {
        return []; // informational: a damaged row must not hide the others
      }
    });
  }

  /**
   * The Workers view / `ascl workers` / workers:list: workers heard from in the last hour, `lost` (and no jobs)
   * once their last heartbeat is older than WORKER_LOST_MS. Read from the table, so a read-only service without
   * a broker (`ascl workers --db FILE`) shows the same as the coordinator.
   */
  workerInfos(now: number = Date.now()): WorkerInfo[] {
    return this.listWorkers(now - 3600_000).map(({ info, lastHeartbeat }) => ({
      ...info, lastHeartbeat: new Date(lastHeartbeat).toISOString(),
      ...(now - lastHeartbeat >= WORKER_LOST_MS ? { state: 'lost' as const, jobs: [] } : {}),
    }));
  }

  getWorker(id: string): { info: WorkerInfo; lastHeartbeat: number } | null {
    return this.listWorkers().find((w) => w.info.id === id) ?? null;
  }
}
