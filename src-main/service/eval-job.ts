/**
 * One evaluation (an attack on a stored run's checkpoint or on an external LayersModel) on a
 * worker thread; progress is relayed and the result is returned as plain data.
 */
import type { AnalyzeJob, EvalJob, ExamplesJob, FromWorker } from './protocol.js';
import type { AnalysisOutcome, EvalOutcome, ExamplesOutcome } from '../shared/rows.js';
import { assertNever } from './protocol.js';
import { engineWorkerUrl, spawnEngineWorker } from '../engine/backend/worker-spawn.js';

export interface EvalProgress { done: number; total: number; etaSeconds: number | null }

export interface WorkerTask<T> { done: Promise<T>; cancel: () => Promise<void> }

export function runEvalJob(job: EvalJob, onProgress?: (p: EvalProgress) => void): WorkerTask<EvalOutcome> {
  return runJob<EvalOutcome>(job, 'eval-result', onProgress);
}

/** An eps-grid evaluation (job.epsGrid set): one outcome per grid value, in order. */
export function runEvalGridJob(job: EvalJob, onProgress?: (p: EvalProgress) => void): WorkerTask<EvalOutcome[]> {
  return runJob<EvalOutcome[]>(job, 'eval-grid-result', onProgress);
}

export function runAnalyzeJob(job: AnalyzeJob, onProgress?: (p: EvalProgress) => void): WorkerTask<AnalysisOutcome> {
  return runJob<AnalysisOutcome>(job, 'analysis-result', onProgress);
}

/** Images of a few test or training examples with their adversarial views (service/features/examples.ts). */
export function runExamplesJob(job: ExamplesJob): WorkerTask<ExamplesOutcome> {
  return runJob<ExamplesOutcome>(job, 'examples-result');
}

function runJob<T>(job: EvalJob | AnalyzeJob | ExamplesJob, resultKind: 'eval-result' | 'eval-grid-result' | 'analysis-result' | 'examples-result', onProgress: (p: EvalProgress) => void = () => {}): WorkerTask<T> {
  const worker = spawnEngineWorker(engineWorkerUrl('./eval-worker', import.meta.url), { workerData: { job }, stdout: true });
  // Engine chatter (tfjs banners) must not mix with the CLI's JSON lines on stdout.
  worker.stdout.pipe(process.stderr);
  const done = new Promise<T>((resolve, reject) => {
    let result: T | null = null;
    let failure: string | null = null;
    worker.on('message', (m: FromWorker) => {
      switch (m.kind) {
        case 'eval-progress': onProgress({ done: m.done, total: m.total, etaSeconds: m.etaSeconds }); break;
        case 'eval-result':
        case 'eval-grid-result':
        case 'analysis-result':
        case 'examples-result':
          if (m.kind === resultKind) result = m.result as T;
          else failure = `eval-job: expected ${resultKind}, got ${m.kind}`;
          break;
        case 'error': failure = m.message; break;
        case 'started': case 'resumed': case 'dataset': case 'step': case 'epoch': case 'checkpoint': case 'selection': case 'done':
          failure = `eval-job: unexpected ${m.kind} message from an evaluation worker`;
          void worker.terminate();
          break;
        default: assertNever(m, 'eval-job');
      }
    });
    worker.on('error', (err) => { failure ??= `evaluation worker error: ${err.message}`; });
    worker.on('exit', (code) => {
      if (result !== null && !failure) resolve(result);
      else reject(new Error(failure ?? `the evaluation worker exited with code ${code} before giving a result`));
    });
  });
  return { done, cancel: async () => { await worker.terminate(); } };
}
