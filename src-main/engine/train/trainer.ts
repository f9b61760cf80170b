/**
 * The training loop: model, optimiser, schedule, seeded data order and augmentation, the objective's
 * steps, per-epoch evaluation, checkpoints and exact resume.
 *
 * Determinism: one Rng (seeded from config.seed) draws the data order, the augmentation and the
 * adversaries' random starts, in a fixed order; its state is saved in every checkpoint with the
 * weights (incl. batch-norm statistics) and the optimiser's moments, so resuming after epoch k
 * continues exactly the run that did not stop (same backend). The evaluation draws its own seeds.
 * Epochs count from 1; a checkpoint's `epoch` is the number of finished epochs.
 */
import { tf } from '../tf.js';
import { attackBudget, ConfigError, type RunConfig } from '../../shared/run-config.js';
import type { BackendName } from '../../shared/options.js';
import type { Dataset } from '../data/dataset.js';
import { batches, numBatches, type Batch } from '../data/batches.js';
import { augmentBatch, type AugmentOptions } from '../data/augment.js';
import { createModel, getNamedWeights, setNamedWeights } from '../models/index.js';
import { getObjective } from '../objectives/index.js';
import { initBackend } from '../backend/index.js';
import { Rng } from '../rng.js';
import { createOptimizer } from './optimizer.js';
import { learningRateAt } from './schedule.js';
import { makeTrainStep } from './step.js';
import { evaluateEpoch } from './evaluate-epoch.js';
import { collapseWarning } from './collapse.js';
import { queryAnchorIndices, selectionEpochs, snapshotsFromMasks } from './query-anchors.js';
import { validateModelForConfig, validateTrainingConfig } from './validate.js';
import type { SelectionSnapshot, Terms, TrainCheckpoint, TrainHooks, TrainResult } from './types.js';

export interface TrainOptions {
  config: RunConfig;
  dataset: Dataset;
  backend: BackendName;
  hooks: TrainHooks;
  resume?: TrainCheckpoint;
}

/** Config keys a resumed run may change (they do not alter the mathematics of finished epochs). */
const RESUMABLE_CHANGES = new Set<keyof RunConfig>(['epochs', 'checkpointEvery', 'evalSubset', 'queryAnchors', 'selectionEpochs', 'backend', 'dataDir']);

function checkResume(c: TrainCheckpoint, config: RunConfig, backend: BackendName): void {
  const changed = (Object.keys(config) as Array<keyof RunConfig>)
    .filter((k) => !RESUMABLE_CHANGES.has(k) && JSON.stringify(config[k]) !== JSON.stringify(c.config[k]));
  if (changed.length) {
    throw new ConfigError(`train: cannot resume: the checkpoint was trained with a different ${changed.map((k) => `${k} (${JSON.stringify(c.config[k])} -> ${JSON.stringify(config[k])})`).join(', ')}`);
  }
  if (c.epoch > config.epochs) throw new ConfigError(`train: cannot resume: the checkpoint has ${c.epoch} finished epochs, more than epochs = ${config.epochs}`);
  if (c.backend !== backend) {
    // Allowed, but the continuation is then only equal up to the backends' rounding differences.
    console.warn(`train: resuming a ${c.backend} checkpoint on ${backend}; results will differ slightly from an uninterrupted run`);
  }
}

/** Seed of the training Rng, distinct from the model's initialisation stream (same config.seed). */
function trainingSeed(seed: number): number {
  return (seed ^ 0x5bd1e995) >>> 0;
}

export async function train(o: TrainOptions): Promise<TrainResult> {
  if (tf.getBackend() !== o.backend) await initBackend(o.backend);
  const config = validateTrainingConfig(o.config, o.dataset);
  if (o.resume) checkResume(o.resume, config, o.backend);
  const { dataset, hooks } = o;
  const budget = attackBudget(config);
  const shape = { height: dataset.height, width: dataset.width, channels: dataset.channels };
  const model = createModel(config.model, {
    inputShape: [dataset.height, dataset.width, dataset.channels], numClasses: dataset.numClasses,
    projectionHead: config.projectionHead, seed: config.seed, batchNorm: config.batchNorm, latent: config.latent, resnetSetting: config.resnetSetting,
  });
  const optimizer = createOptimizer(config.optimizer, model.trainableVariables(), { momentum: config.momentum, weightDecay: config.weightDecay });
  try {
    validateModelForConfig(model, config);
    const rng = new Rng(trainingSeed(config.seed));
    let startEpoch = 1;
    let globalStep = 0;
    if (o.resume) {
      setNamedWeights(model, o.resume.weights);
      optimizer.importState(o.resume.optimizer);
      rng.state = o.resume.rngState;
      startEpoch = o.resume.epoch + 1;
      globalStep = o.resume.globalStep;
    }
    const step = makeTrainStep({ model, objective: getObjective(config.defense), optimizer, config, eps: budget.eps, stepSize: budget.stepSize, rng });
    const nTrain = Math.min(config.limit ?? dataset.train.count, dataset.train.count);
    // A last batch of one sample would give degenerate batch-norm statistics and a 2-latent contrastive batch.
    const dropLast = nTrain % config.batchSize === 1;
    const stepsPerEpoch = numBatches(nTrain, { batchSize: config.batchSize, dropLast });
    const shiftMode = config.augmentShiftMode;
    const augment: AugmentOptions | null = config.augmentFlip || config.augmentShift > 0 ? { flip: config.augmentFlip, shiftFraction: config.augmentShift, shiftMode } : null;
    // The scl objective's second view: a fresh draw of the paper's augmentation (flip + 10% shift).
    const secondView: AugmentOptions = { flip: true, shiftFraction: config.augmentShift > 0 ? config.augmentShift : 0.1, shiftMode };
    // The second view of the batch whose host pixels are given (no read of x from the backend).
    const augmentViewOf = (batch: Batch) => (x: tf.Tensor4D): tf.Tensor4D => {
      if (x !== batch.x) throw new Error('train: augment() was asked for a tensor other than the batch it was made for');
      return tf.tensor4d(augmentBatch(batch.pixels, x.shape[0], shape, rng, secondView), x.shape, 'float32');
    };
    const anchors = new Set(queryAnchorIndices(config.queryAnchors, nTrain));
    const recordEpochs = selectionEpochs(config.selectionEpochs, config.epochs);

    const checkpoint = async (epoch: number): Promise<TrainCheckpoint> => ({
      epoch, globalStep, weights: await getNamedWeights(model), optimizer: await optimizer.exportState(), rngState: rng.state, config, backend: o.backend,
    });

    for (let epoch = startEpoch; epoch <= config.epochs; epoch++) {
      const learningRate = learningRateAt(epoch, config.learningRate, config.lrMilestones, config.lrGamma);
      const started = performance.now();
      const sums: Terms = {};
      let steps = 0, seen = 0, correct = 0;
      let stepInEpoch = 0;
      for (const batch of batches(dataset.train, shape, { batchSize: config.batchSize, rng, shuffle: true, limit: nTrain, dropLast, augment })) {
        const t0 = performance.now();
        const snapshots: SelectionSnapshot[] = [];
        const wantMasks = hooks.onSelection !== undefined && recordEpochs.has(epoch) && batch.indices.some((i) => anchors.has(i));
        const size = batch.indices.length;
        let r;
        try {
          const labels = wantMasks ? Int32Array.from(batch.indices, (i) => dataset.train.labels[i]) : null;
          r = await step(batch.x, batch.y, {
            epoch, step: globalStep, learningRate, augment: augmentViewOf(batch),
            onSelectionMasks: labels ? (pos, neg, n) => { snapshots.push(...snapshotsFromMasks(epoch, anchors, batch.indices, labels, pos, neg, n)); } : undefined,
          });
        } finally {
          batch.x.dispose();
          batch.y.dispose();
        }
        steps++; seen += size;
        for (const [k, v] of Object.entries({ loss: r.loss, ...r.terms })) sums[k] = (sums[k] ?? 0) + v;
        if (r.terms.acc_nat !== undefined) correct += r.terms.acc_nat * size;
        hooks.onStep?.({
          epoch, step: globalStep, stepInEpoch, stepsPerEpoch, loss: r.loss, terms: r.terms, learningRate,
          samplesPerSecond: size / Math.max((performance.now() - t0) / 1000, 1e-9),
        });
        for (const s of snapshots) hooks.onSelection?.(s);
        globalStep++;
        stepInEpoch++;
        if (hooks.shouldStop?.()) return { status: 'cancelled', epochs: epoch - 1 };
      }
      const ev = await evaluateEpoch(model, dataset, config, budget, epoch);
      const terms: Terms = Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, v / Math.max(steps, 1)]));
      // R-DIV needs at least one mini-batch with two samples of a class; left out when undefined.
      if (ev.rdiv !== null && Number.isFinite(ev.rdiv)) Object.assign(terms, { rdiv: ev.rdiv, d_plus: ev.dPlus, d_minus: ev.dMinus });
      const warning = collapseWarning({ epoch, natAccuracy: ev.natAccuracy, n: ev.n, numClasses: dataset.numClasses, deadLatentFraction: ev.deadLatentFraction }, config);
      await hooks.onEpoch?.({
        epoch, terms, trainAccuracy: seen ? correct / seen : 0, natAccuracy: ev.natAccuracy, pgdAccuracy: ev.pgdAccuracy,
        learningRate, seconds: (performance.now() - started) / 1000, deadLatentFraction: ev.deadLatentFraction, collapseWarning: warning,
      });
      if (hooks.onCheckpoint && (epoch % config.checkpointEvery === 0 || epoch === config.epochs)) await hooks.onCheckpoint(await checkpoint(epoch));
      if (hooks.shouldStop?.()) return { status: epoch === config.epochs ? 'completed' : 'cancelled', epochs: epoch };
    }
    return { status: 'completed', epochs: config.epochs };
  } finally {
    optimizer.dispose();
    model.dispose();
  }
}
