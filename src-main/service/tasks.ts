/**
 * Background tasks (evaluations, analyses) with stored ids: `start` records the task, queues its
 * work on the run queue and answers its id at once; when the work ends, its outcome is stored on
 * the task row and announced by one `task:done { taskId, kind, runId, ok, error }` event, failure
 * included (a failure is also logged). A task never ends silently.
 */
import type { TaskKind } from '../store/tasks.js';
import type { ServiceContext } from './context.js';

/** The work of a task, with the cores the run queue gave it: resolves with the id of what it stored (an evaluation row) or null. */
export type TaskWork = (taskId: number, threads: number) => Promise<number | null>;

const CHANNEL: Record<TaskKind, string> = { eval: 'evals:start', analysis: 'analysis:start' };

export function startTask(ctx: ServiceContext, kind: TaskKind, runId: string, request: unknown, work: TaskWork): number {
  const { store, events, runs, log, owner } = ctx;
  const taskId = store.createTask({ kind, runId, request, owner });
  runs.enqueueTask(async (threads) => {
    let ok = false;
    let error: string | null = null;
    let resultId: number | null = null;
    try {
      if (!store.startTask(taskId)) return; // interrupted while queued (the service closed)
      resultId = await work(taskId, threads);
      ok = true;
    } catch (err) {
      error = (err as Error).message;
      log(`${CHANNEL[kind]}(${runId}): ${error}`);
    }
    try {
      store.finishTask(taskId, { ok, error, resultId });
    } catch (err) {
      log(`${CHANNEL[kind]}(${runId}): task ${taskId} ended ${ok ? 'ok' : 'failed'} but its outcome could not be stored: ${(err as Error).message}`);
    }
    events.emit('task:done', { taskId, kind, runId, ok, error });
  });
  return taskId;
}
