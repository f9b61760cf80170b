/**
 * Worker thread that trains one run: loads the dataset, restores the newest verified checkpoint
 * (if any), runs the engine's `train()` and posts every step, epoch, checkpoint and selection
 * snapshot to the service as plain data. Checkpoint files are written here, off the main thread,
 * atomically; the service records them in the store after they are on disk.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { checkpointRelPath, resolveInside } from '../store/paths.js';
import { readTrainCheckpoint, writeTrainCheckpoint } from '../store/train-checkpoint.js';
import type { TrainCheckpoint } from '../engine/train/types.js';
import { assertNever, type FromWorker, type ToWorker, type TrainJob } from './protocol.js';
import { initBackend, loadDataset, loadTrainer, useEngineModules } from './engine.js';
import { datasetFingerprint } from './dataset-fingerprint.js';

interface TrainWorkerData { job: TrainJob; stopFlag: Int32Array }

const port = parentPort;
if (!port) throw new Error('train-worker: must run in a worker thread');
const { job, stopFlag } = workerData as TrainWorkerData;
const post = (m: FromWorker): void => port.postMessage(m);

port.on('message', (m: ToWorker) => {
  switch (m.kind) {
    case 'stop': Atomics.store(stopFlag, 0, 1); break;
    default: assertNever(m.kind, 'train-worker');
  }
});

/** Newest checkpoint that reads back and verifies; the ones skipped are reported. */
function restore(): { checkpoint: TrainCheckpoint | undefined; skipped: string[] } {
  const skipped: string[] = [];
  for (const c of job.resume) {
    try {
      const checkpoint = readTrainCheckpoint(resolveInside(job.home, c.file, 'train-worker'), c.sha256);
      if (checkpoint.epoch !== c.epoch) throw new Error(`train-worker: ${c.file} holds epoch ${checkpoint.epoch}, the store says ${c.epoch}`);
      return { checkpoint, skipped };
    } catch (err) {
      skipped.push((err as Error).message);
    }
  }
  if (job.resume.length > 0) {
    throw new Error(`train-worker: no checkpoint of run ${job.runId} could be verified (${skipped.join('; ')}); ` +
      'run `ascl doctor`, or start a new run with the same configuration');
  }
  return { checkpoint: undefined, skipped };
}

async function main(): Promise<void> {
  const { config } = job;
  useEngineModules(job.engineModules);
  const { backend, device } = await initBackend(config.backend === 'auto' ? job.backend : config.backend, config.gpu, job.threads ?? 1);
  post({ kind: 'started', backend, device });
  const { checkpoint, skipped } = restore();
  post({ kind: 'resumed', epoch: checkpoint?.epoch ?? 0, globalStep: checkpoint?.globalStep ?? 0, skipped });
  const dataset = await loadDataset(config.dataset, { dataDir: config.dataDir, limit: config.limit, seed: config.seed });
  post({ kind: 'dataset', fingerprint: datasetFingerprint(dataset) });
  const train = await loadTrainer();
  const result = await train({
    config, dataset, backend, resume: checkpoint,
    hooks: {
      onStep: (m) => post({ kind: 'step', m, time: Date.now() }),
      onEpoch: (m) => post({ kind: 'epoch', m }),
      onCheckpoint: (c) => {
        const file = checkpointRelPath(job.runId, c.epoch);
        const written = writeTrainCheckpoint(resolveInside(job.home, file, 'train-worker'), c);
        post({ kind: 'checkpoint', epoch: c.epoch, globalStep: c.globalStep, file, size: written.size, sha256: written.sha256 });
      },
      onSelection: (s) => post({ kind: 'selection', s }),
      shouldStop: () => Atomics.load(stopFlag, 0) === 1,
    },
  });
  post({ kind: 'done', status: result.status, epochs: result.epochs });
}

main().catch((err: unknown) => {
  const e = err as Error;
  post({ kind: 'error', message: e?.message ?? String(err) });
}).finally(() => port.close());
