/**
 * What the Workers view and `ascl workers` show of a WorkerInfo, computed once here so the page and
 * the terminal table say the same thing: the heartbeat's age, the state with its reason, the jobs,
 * and where a run runs. Pure (no clock of its own: `now` is passed in), so both are testable.
 */
import type { RunSummary } from './channels.js';
import type { WorkerInfo, WorkerJobInfo } from './workers.js';

/** "3s ago", "4m ago", "2h ago", "5d ago"; a heartbeat from the future (clock skew) reads "0s ago"; an unreadable time "unknown". */
export function heartbeatAge(iso: string, now: number): string {
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return 'unknown';
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 120) return `${s}s ago`;
  if (s < 7200) return `${Math.floor(s / 60)}m ago`;
  if (s < 172_800) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86_400)}d ago`;
}

/** "busy", or "stopped: 3 jobs failed in a row (...)" where the worker says why. */
export const workerStateLabel = (w: WorkerInfo): string => (w.message ? `${w.state}: ${w.message}` : w.state);

/** The backend with its GPU in words: "tensorflow (NVIDIA H200)", or just "wasm". */
export const workerBackendLabel = (w: WorkerInfo): string => (w.gpu ? `${w.backend} (${w.gpu})` : w.backend);

/** What a job is at: "epoch 3, 45%" for training (as far as known), "task 7" for an evaluation or analysis. */
export function workerJobProgress(j: WorkerJobInfo): string {
  if (j.kind !== 'train') return j.taskId === null ? j.kind : `${j.kind} task ${j.taskId}`;
  if (j.epoch === null) return 'starting';
  return j.progress === null ? `epoch ${j.epoch}` : `epoch ${j.epoch}, ${Math.round(j.progress * 100)}%`;
}

/** A job in one line of text: "train run-001 (epoch 3, 45%)". */
export const workerJobLabel = (j: WorkerJobInfo): string => `${j.kind === 'train' ? 'train' : j.kind} ${j.runId} (${workerJobProgress(j)})`;

export const WORKER_COLUMNS = ['HOST', 'PID', 'QUEUE', 'BACKEND', 'CORES', 'CONCURRENCY', 'STATE', 'JOBS', 'HEARTBEAT', 'ID'] as const;

/** The table of `ascl workers` (one row of cells per worker, in WORKER_COLUMNS order); the page shows the same cells. */
export function workerRows(list: readonly WorkerInfo[], now: number): string[][] {
  return list.map((w) => [w.host, String(w.pid), w.queue, workerBackendLabel(w), String(w.cores), `${w.jobs.length}/${w.concurrency}`,
    workerStateLabel(w), w.jobs.length ? w.jobs.map(workerJobLabel).join('; ') : '-', heartbeatAge(w.lastHeartbeat, now), w.id]);
}

/** Where a run runs, as the runs list and the run page show it: "local", "worker h1-42-ab · queue gpu-a100 · attempt 2"; null before it starts. */
export function runWhereLabel(r: Pick<RunSummary, 'where' | 'queue' | 'attempt'>): string | null {
  const parts: string[] = [];
  if (r.where) parts.push(r.where === 'local' ? 'local' : `worker ${r.where}`);
  else if (r.queue) parts.push('waiting for a worker');
  if (r.queue) parts.push(`queue ${r.queue}`);
  if (r.attempt !== undefined && r.attempt > 1) parts.push(`attempt ${r.attempt}`);
  return parts.length ? parts.join(' · ') : null;
}

/** How to turn distributed mode on: the three commands of the README's "Many machines" (one per role). */
export const DISTRIBUTED_COMMANDS: ReadonlyArray<{ role: string; command: string }> = [
  { role: 'Redis (6.2+), with a password, on a private interface', command: 'redis-server --requirepass PW --bind 10.0.0.5 --protected-mode yes' },
  { role: 'The coordinator (this app\'s store), reachable by the workers', command: 'ascl serve --broker redis://:PW@10.0.0.5:6379 --token T --host 0.0.0.0' },
  { role: 'Each worker host', command: 'ascl worker --broker redis://:PW@10.0.0.5:6379 --coordinator http://COORDINATOR:5317 --token T --queue gpu-a100 --concurrency 1' },
];
