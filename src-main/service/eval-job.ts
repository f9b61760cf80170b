/**
 * One evaluation (an attack on a stored run's checkpoint or on an external LayersModel) on a
 * worker thread; progress is relayed and the result is returned as plain data.
 */
import type { EvalJob, EvalOutcome, FromWorker } from './protocol.js';
import { assertNever } from './protocol.js';
import { siblingModule, spawnModuleWorker } from './spawn.js';

export interface EvalProgress { done: number; total: number; etaSeconds: number | null }

export function runEvalJob(job: EvalJob, onProgress: (p: EvalProgress) => void = () => {}): { done: Promise<EvalOutcome>; cancel: () => Promise<void> } {
  const worker = spawnModuleWorker(siblingModule('eval-worker', import.meta.url), { workerData: { job } });
  const done = new Promise<EvalOutcome>((resolve, reject) => {
    let result: EvalOutcome | null = null;
    let failure: string | null = null;
    worker.on('message', (m: FromWorker) => {
      switch (m.kind) {
        case 'eval-progress': onProgress({ done: m.done, total: m.total, etaSeconds: m.etaSeconds }); break;
        case 'eval-result': result = m.result; break;
        case 'error': failure = m.message; break;
        case 'started': case 'resumed': case 'step': case 'epoch': case 'checkpoint': case 'selection': case 'done':
          failure = `eval-job: unexpected ${m.kind} message from an evaluation worker`;
          void worker.terminate();
          break;
        default: assertNever(m, 'eval-job');
      }
    });
    worker.on('error', (err) => { failure ??= `evaluation worker error: ${err.message}`; });
    worker.on('exit', (code) => {
      if (result && !failure) resolve(result);
      else reject(new Error(failure ?? `the evaluation worker exited with code ${code} before giving a result`));
    });
  });
  return { done, cancel: async () => { await worker.terminate(); } };
}
