/**
 * How many cores one run's wasm backend may use (XNNPACK threads, engine/backend/wasm-threads.ts).
 *
 * The run queue hands out cores as it starts runs (`auto`): the runs starting together share the
 * cores no running job holds, so a lone run gets all of them and a batch (a sweep, a study's
 * queue) gets one each; evaluation and analysis tasks get their share by the same rule (a lone
 * AutoAttack gets every core; results do not depend on the count). While every core is held, the next
 * job waits for one to be freed rather than oversubscribe them: a started backend cannot change
 * its thread count, and XNNPACK's threads spin-wait, which two pools on one core turn into lost
 * time. The budget is max(cores, workers), so an explicit `workers` above the core count still
 * runs that many at once. Only wasm uses the count: tfjs-node sizes its own pool, a GPU needs none.
 *
 * `ASCL_WASM_THREADS` overrides: `auto` (the default, the rule above) or a count from 1 to 8 for
 * every run (1: the single-threaded binary, as before this existed).
 */
import os from 'node:os';
import { MAX_WASM_THREADS, isWasmThreadCount } from '../engine/backend/wasm-threads-limits.js';

export type ThreadsSetting = 'auto' | number;

export function parseThreadsSetting(value: string | undefined, where = 'ASCL_WASM_THREADS'): ThreadsSetting {
  if (value === undefined || value === '' || value === 'auto') return 'auto';
  const n = Number(value);
  if (!isWasmThreadCount(n)) {
    throw new Error(`${where}: expected 'auto' or an integer from 1 to ${MAX_WASM_THREADS}, got ${JSON.stringify(value)}`);
  }
  return n;
}

export interface CoreShare {
  setting: ThreadsSetting;
  /** Cores of the machine (os.availableParallelism()). */
  cores: number;
  /** The queue's `workers` (jobs at once). */
  workers: number;
}

/** Cores a queue may hand out in all. */
export function coreBudget(o: CoreShare): number {
  return Math.max(o.cores, o.workers);
}

/** Whether a job may start while `held` cores are held (a fixed setting leaves it to `workers` alone). */
export function mayStart(o: CoreShare, held: number): boolean {
  return o.setting !== 'auto' || held < coreBudget(o);
}

/** Threads for a run starting now beside `starting - 1` others (at least 1 starting), `held` cores held. */
export function threadsForRun(o: CoreShare, held: number, starting: number): number {
  if (o.setting !== 'auto') return o.setting;
  const free = Math.max(0, coreBudget(o) - held);
  return Math.min(MAX_WASM_THREADS, o.cores, Math.max(1, Math.floor(free / Math.max(1, starting))));
}

/** Threads for a job alone in its process (`ascl eval`): every core under `auto`, else the fixed setting. */
export function loneJobThreads(setting: ThreadsSetting = parseThreadsSetting(process.env.ASCL_WASM_THREADS)): number {
  return threadsForRun({ setting, cores: os.availableParallelism(), workers: 1 }, 0, 1);
}
