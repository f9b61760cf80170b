/**
 * Worker thread of a calibration (runs:estimate): the real configuration's dataset, model,
 * objective and trainer (engine/train/trainer.ts), for job.steps training steps of one epoch
 * (the first a warm-up) and one monitoring pass over at most one batch of test images; each step
 * and the monitoring pass are timed between the trainer's hooks. No checkpoint, nothing stored.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { CalibrationJob, FromCalibrationWorker } from './protocol.js';
import type { CalibrationOutcome } from './estimate.js';
import { initBackend, loadDataset, loadTrainer, useEngineModules } from './engine.js';

const port = parentPort;
if (!port) throw new Error('calibrate-worker: must run in a worker thread');
const { job } = workerData as { job: CalibrationJob };
const post = (m: FromCalibrationWorker): void => port.postMessage(m);

async function main(): Promise<CalibrationOutcome> {
  const { config } = job;
  useEngineModules(job.engineModules);
  const { backend } = await initBackend(config.backend === 'auto' ? job.backend : config.backend, config.gpu);
  const dataset = await loadDataset(config.dataset, { dataDir: config.dataDir, limit: config.limit, seed: config.seed });
  const train = await loadTrainer();
  const evalImages = Math.max(1, Math.min(config.batchSize, config.evalSubset, dataset.test.count));
  const times: number[] = [];
  let epochAt = 0;
  const result = await train({
    config: {
      ...config, epochs: 1, limit: Math.min(job.steps * config.batchSize, dataset.train.count), evalSubset: evalImages,
      lrMilestones: [], queryAnchors: 0, selectionEpochs: [], checkpointEvery: 1,
    },
    dataset, backend,
    hooks: {
      onStep: () => { times.push(performance.now()); },
      onEpoch: () => { epochAt = performance.now(); },
    },
  });
  if (result.status !== 'completed' || times.length < 2 || epochAt === 0) {
    throw new Error(`calibrate-worker: the calibration ended after ${times.length} step(s) (${result.status}); need at least 2 (a warm-up and one timed)`);
  }
  // Gaps between the hooks of consecutive steps: step i's own time (the first, a warm-up, has no predecessor).
  const stepSeconds = times.slice(1).map((t, i) => (t - times[i]) / 1000);
  return { backend, trainCount: dataset.train.count, testCount: dataset.test.count, stepSeconds, evalSeconds: (epochAt - times[times.length - 1]) / 1000, evalImages };
}

main().then((result) => post({ kind: 'calibration-result', result }), (err: unknown) => {
  const e = err instanceof Error ? err : new Error(String(err));
  post({ kind: 'error', message: e.message, name: e.name });
}).finally(() => port.close());
