/**
 * Background tasks started through the API (`evals:start`, `analysis:start`): the call answers a
 * stored task id at once, and one `task:done { taskId, kind, runId, ok, error }` event reports how
 * the task ended, failure included. `runTask` joins the two, also when the event arrives before
 * the call's answer.
 */
import type { ApiEvents } from '../../../src-main/shared/channels.js';
import type { ApiClient } from './client.js';

export type TaskDone = ApiEvents['task:done'];

export interface StartedTask {
  taskId: number;
  /** Resolves with the task's task:done event; `stop()` stops waiting (a page closed). */
  done: Promise<TaskDone>;
  stop: () => void;
}

export async function runTask(api: ApiClient, start: () => Promise<{ taskId: number }>): Promise<StartedTask> {
  const early = new Map<number, TaskDone>();
  let want: number | null = null;
  let resolve: (e: TaskDone) => void = () => {};
  const done = new Promise<TaskDone>((r) => { resolve = r; });
  const off = api.on('task:done', (e) => {
    if (want === null) early.set(e.taskId, e);
    else if (e.taskId === want) { off(); resolve(e); }
  });
  let taskId: number;
  try {
    ({ taskId } = await start());
  } catch (err) {
    off();
    throw err;
  }
  want = taskId;
  const already = early.get(taskId);
  if (already) { off(); resolve(already); }
  return { taskId, done, stop: off };
}
