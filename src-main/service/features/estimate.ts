/**
 * runs:estimate: the time the run runs:start would create would take, before it is started.
 * History first (earlier completed runs of the store on the same backend, estimate.ts), else a
 * calibration on a worker thread (calibrate-worker.ts) that never blocks the event loop.
 * Calibrations run one at a time and are remembered per configuration (less its epochs and
 * seed) for this service's lifetime, so a form asking again costs nothing.
 */
import type { ApiHandlers, RunEstimate } from '../../shared/channels.js';
import type { BackendChoice } from '../../shared/options.js';
import type { RunConfig } from '../../shared/run-config.js';
import { ApiError } from '../../api/dispatch.js';
import { engineWorkerUrl, spawnEngineWorker } from '../../engine/backend/worker-spawn.js';
import type { Store } from '../../store/store.js';
import type { EngineModules } from '../engine.js';
import { calibrationEstimate, CALIBRATION_STEPS, comparable, historyEstimate, type CalibrationOutcome, type HistoryRun } from '../estimate.js';
import type { CalibrationJob, FromCalibrationWorker } from '../protocol.js';
import { configOrBadRequest } from './runs.js';

type EstimateHandlers = Pick<ApiHandlers, 'runs:estimate'>;

/** A calibration that takes longer is stopped and reported (a model far too slow for this machine). */
export const CALIBRATION_TIMEOUT_MS = 300_000;

export interface EstimateContext {
  store: Store | null;
  backend: BackendChoice;
  /** The backend this service's runs last got (auto resolved), when known. */
  lastBackend: () => string | null;
  engineModules?: Partial<EngineModules>;
}

/** Runs one calibration on its own worker thread. */
export function calibrate(job: CalibrationJob): Promise<CalibrationOutcome> {
  const worker = spawnEngineWorker(engineWorkerUrl('../calibrate-worker', import.meta.url), { workerData: { job }, stdout: true });
  worker.stdout.pipe(process.stderr);
  return new Promise((resolve, reject) => {
    let result: CalibrationOutcome | null = null;
    let failure: Error | null = null;
    const timer = setTimeout(() => {
      failure = new ApiError('conflict', `runs:estimate: the calibration of ${job.config.model} on ${job.config.dataset} took longer than ${CALIBRATION_TIMEOUT_MS / 1000} s; ` +
        'this configuration is very slow on this machine (try a smaller model or batch, or another backend)');
      void worker.terminate();
    }, CALIBRATION_TIMEOUT_MS);
    timer.unref();
    worker.on('message', (m: FromCalibrationWorker) => {
      if (m.kind === 'calibration-result') result = m.result;
      else failure = new ApiError(m.name === 'ConfigError' || m.name === 'DatasetError' ? 'bad-request' : 'internal', `runs:estimate: calibration failed: ${m.message}`);
    });
    worker.on('error', (err) => { failure ??= new Error(`runs:estimate: calibration worker error: ${err.message}`); });
    worker.on('exit', (code) => {
      clearTimeout(timer);
      if (result && !failure) resolve(result);
      else reject(failure ?? new Error(`runs:estimate: the calibration worker exited with code ${code} before giving a result`));
    });
  });
}

/** The configuration without the fields that do not change the time of a step (the calibration cache's key). */
function calibrationKey(config: RunConfig, backend: BackendChoice): string {
  return JSON.stringify({ ...config, epochs: 0, seed: 0, checkpointEvery: 0, queryAnchors: 0, selectionEpochs: [], lrMilestones: [], backend: config.backend === 'auto' ? backend : config.backend });
}

/** The estimate of a valid configuration: history where there is some, else a (remembered) calibration. */
export function estimator(o: EstimateContext): (config: RunConfig) => Promise<RunEstimate> {
  const cache = new Map<string, Promise<CalibrationOutcome>>();
  let queue: Promise<unknown> = Promise.resolve();
  return async (config) => {
    const backend = config.backend !== 'auto' ? config.backend : o.backend !== 'auto' ? o.backend : o.lastBackend();
    if (o.store) {
      const runs = o.store.listRuns({ status: 'completed' });
      // With auto unresolved: the backend of the newest completed auto run of the store (auto resolves the same way on one machine).
      const target = backend ?? runs.find((r) => r.config.backend === 'auto' && r.backend !== null && r.damage === null)?.backend ?? null;
      if (target !== null) {
        const history: HistoryRun[] = runs.filter((r) => comparable(r, config, target)).map((run) => ({ run, epochs: o.store!.epochs(run.id) }));
        const h = historyEstimate(config, history, target);
        if (h) return h;
      }
    }
    const key = calibrationKey(config, o.backend);
    let pending = cache.get(key);
    if (!pending) {
      const job: CalibrationJob = { kind: 'calibrate', config, backend: o.backend, steps: CALIBRATION_STEPS, engineModules: o.engineModules };
      pending = queue.then(() => calibrate(job));
      // The chain only orders calibrations; each failure reaches its own caller through `pending`.
      queue = pending.catch(() => {});
      cache.set(key, pending);
      pending.catch(() => cache.delete(key));
    }
    return calibrationEstimate(config, await pending);
  };
}

export function estimateHandlers(estimate: (config: RunConfig) => Promise<RunEstimate>): EstimateHandlers {
  return {
    async 'runs:estimate'(req) {
      const config = await configOrBadRequest(req.preset, req.config, 'runs:estimate');
      return estimate(config);
    },
  };
}
