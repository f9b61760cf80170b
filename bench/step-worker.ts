/**
 * Worker entry of `npm run bench`: starts its own backend (wasm: `threads` cores in XNNPACK's
 * pool, 1 = the single-threaded binary), warms a training step up, waits for `go`, times steps,
 * posts the timing (and, with `profile`, one more step's per-kernel profile).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { z } from 'zod';
import { BACKENDS, MODELS } from '../src-main/shared/options.js';
import { backendReport, initBackend } from '../src-main/engine/backend/index.js';
import { timeTrainStep } from './train-step.js';

export const StepWorkerData = z.object({
  model: z.enum(MODELS),
  backend: z.enum(BACKENDS),
  batch: z.number().int().positive(),
  steps: z.number().int().positive(),
  warmup: z.number().int().min(0),
  threads: z.number().int().min(1).max(8).default(1),
  profile: z.boolean().default(false),
});
export type StepWorkerData = z.input<typeof StepWorkerData>;

export type StepWorkerMessage =
  | { type: 'ready' }
  | { type: 'result'; backend: string; adapter: string | null; timing: Awaited<ReturnType<typeof timeTrainStep>> }
  | { type: 'error'; message: string };

if (parentPort) {
  const port = parentPort;
  const post = (m: StepWorkerMessage): void => port.postMessage(m);
  try {
    const d = StepWorkerData.parse(workerData);
    const backend = await initBackend(d.backend, { threads: d.threads });
    const timing = await timeTrainStep(d.model, {
      batch: d.batch, steps: d.steps, warmup: d.warmup, profile: d.profile,
      beforeTiming: () => new Promise<void>((resolve) => {
        port.once('message', () => resolve());
        post({ type: 'ready' });
      }),
    });
    const a = backendReport().adapter;
    post({ type: 'result', backend, adapter: a ? `${a.name} (${a.dawnBackend}${a.software ? ', software' : ''})` : null, timing });
  } catch (e) {
    post({ type: 'error', message: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) });
  }
}
