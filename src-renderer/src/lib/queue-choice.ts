/**
 * The Setup form's queue choice (distributed mode): one of the queues the broker knows, or a name typed
 * in, checked with the same `queueName` schema as `runs:start { queue }` so a bad name is named before Start.
 */
import { DEFAULT_QUEUE, queueName } from '../../../src-main/shared/workers.js';

/** The select's value that shows the free text field (never a queue name: parentheses are refused). */
export const OTHER_QUEUE = '(other)';

/** The known queues, the default one first, each once. */
export const queueOptions = (known: readonly string[]): string[] => [...new Set([DEFAULT_QUEUE, ...known])];

export type QueueChoice = { ok: true; queue: string } | { ok: false; error: string };

export function chooseQueue(choice: string, custom: string): QueueChoice {
  const name = choice === OTHER_QUEUE ? custom.trim() : choice;
  const r = queueName.safeParse(name);
  if (r.success) return { ok: true, queue: r.data };
  return { ok: false, error: `queue ${JSON.stringify(name)}: ${r.error.issues[0]?.message ?? 'not a queue name'}` };
}
