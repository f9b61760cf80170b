/**
 * runTask (src-renderer/src/api/tasks.ts): joins a task-starting call with its task:done event by
 * task id, also when the event arrives before the call's answer, ignores other tasks' events, and
 * surfaces a failed task's error instead of waiting forever.
 */
import { describe, expect, it } from 'vitest';
import type { ApiEvents } from '../../src-main/shared/channels.js';
import { Listeners, type ApiClient } from '../../src-renderer/src/api/client.js';
import { runTask } from '../../src-renderer/src/api/tasks.js';

function fakeClient(): { api: ApiClient; emit: (e: ApiEvents['task:done']) => void; listeners: () => number } {
  const bus = new Listeners();
  let count = 0;
  const api = {
    call: async () => { throw new Error('not used'); },
    on: (event: string, fn: (p: never) => void) => { count++; const off = bus.add(event, fn as (p: unknown) => void); return () => { count--; off(); }; },
    connection: () => 'live' as const,
    onConnection: () => () => {},
  } as unknown as ApiClient;
  return { api, emit: (e) => bus.emit('task:done', e), listeners: () => count };
}

const done = (taskId: number, ok: boolean, error: string | null = null): ApiEvents['task:done'] => ({ taskId, kind: 'eval', runId: 'r1', ok, error });

describe('runTask', () => {
  it('task 7: events of tasks 6 and 8 are ignored; the task:done of 7 resolves it; the listener is removed', async () => {
    const c = fakeClient();
    const t = await runTask(c.api, async () => ({ taskId: 7 }));
    expect(t.taskId).toBe(7);
    c.emit(done(6, true));
    c.emit(done(8, false, 'other'));
    c.emit(done(7, false, 'evaluate: run r1 was deleted before its pgd evaluation (task 7) finished; nothing was stored'));
    await expect(t.done).resolves.toEqual(done(7, false, 'evaluate: run r1 was deleted before its pgd evaluation (task 7) finished; nothing was stored'));
    expect(c.listeners()).toBe(0);
  });

  it('the task:done of task 3 arriving before the call answers (a fast failure) still resolves it', async () => {
    const c = fakeClient();
    const t = await runTask(c.api, async () => { c.emit(done(3, true)); return { taskId: 3 }; });
    await expect(t.done).resolves.toEqual(done(3, true));
    expect(c.listeners()).toBe(0);
  });

  it('a refused start rejects with its error and leaves no listener', async () => {
    const c = fakeClient();
    await expect(runTask(c.api, async () => { throw new Error('evals:start: run r1 has no checkpoint yet'); })).rejects.toThrow(/no checkpoint yet/);
    expect(c.listeners()).toBe(0);
  });
});
