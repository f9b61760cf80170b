/**
 * The training loop on the wasm backend (this project's kernels) with synthetic data: exact resume,
 * no tensor leaks, cancellation, query-anchor snapshots, clear errors before training and on a
 * non-finite loss. Also one resume check on the pure-JS cpu backend (tiny images).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src-main/engine/tf.js';
import { initBackend } from '../../src-main/engine/backend/index.js';
import { parseRunConfig, type RunConfigInput } from '../../src-main/shared/run-config.js';
import { createSyntheticDataset } from '../../src-main/engine/data/index.js';
import type { Dataset } from '../../src-main/engine/data/dataset.js';
import type { BackendName } from '../../src-main/shared/options.js';
import { train, makeTrainStep, createOptimizer, NonFiniteLossError, validateModelForConfig } from '../../src-main/engine/train/index.js';
import type { EpochMetrics, SelectionSnapshot, StepMetrics, TrainCheckpoint } from '../../src-main/engine/train/types.js';
import type { Objective } from '../../src-main/engine/objectives/objective.js';
import { Rng } from '../../src-main/engine/rng.js';
import { tinyModel } from '../objectives/tiny-model.js';

const DATA = createSyntheticDataset({ trainCount: 48, testCount: 16, height: 12, width: 12, seed: 3 });
const BASE: RunConfigInput = {
  dataset: 'synthetic', model: 'small-cnn', defense: 'ascl', selection: 'leaked', epochs: 2, batchSize: 16,
  evalSubset: 16, pgdSteps: 2, queryAnchors: 3, seed: 11,
};

interface Collected { steps: StepMetrics[]; epochs: EpochMetrics[]; checkpoints: TrainCheckpoint[]; selections: SelectionSnapshot[]; tensors: number[] }

async function runTraining(config: RunConfigInput, o: { backend?: BackendName; dataset?: Dataset; resume?: TrainCheckpoint; stopAfter?: number } = {}) {
  const c: Collected = { steps: [], epochs: [], checkpoints: [], selections: [], tensors: [] };
  const before = tf.memory().numTensors;
  const result = await train({
    config: parseRunConfig(config), dataset: o.dataset ?? DATA, backend: o.backend ?? 'wasm', resume: o.resume,
    hooks: {
      onStep: (m) => { c.steps.push(m); c.tensors.push(tf.memory().numTensors); },
      onEpoch: (m) => { c.epochs.push(m); c.tensors.push(tf.memory().numTensors); },
      onCheckpoint: (k) => { c.checkpoints.push(k); },
      onSelection: (s) => { c.selections.push(s); },
      shouldStop: () => o.stopAfter !== undefined && c.steps.length >= o.stopAfter,
    },
  });
  return { result, c, before, after: tf.memory().numTensors };
}

const weightsEqual = (a: TrainCheckpoint, b: TrainCheckpoint) => {
  expect(Object.keys(a.weights).sort()).toEqual(Object.keys(b.weights).sort());
  for (const k of Object.keys(a.weights)) expect(Array.from(b.weights[k].data)).toEqual(Array.from(a.weights[k].data));
  for (const k of Object.keys(a.optimizer.slots)) expect(Array.from(b.optimizer.slots[k].data)).toEqual(Array.from(a.optimizer.slots[k].data));
};

describe('train() on wasm', () => {
  beforeAll(async () => { await initBackend('wasm'); });

  it('ascl/leaked, 2 epochs: resuming from the epoch-1 checkpoint gives bit-identical weights, optimiser and RNG', async () => {
    const straight = await runTraining(BASE);
    expect(straight.result).toEqual({ status: 'completed', epochs: 2 });
    expect(straight.c.checkpoints.map((k) => k.epoch)).toEqual([1, 2]);
    const resumed = await runTraining(BASE, { resume: straight.c.checkpoints[0] });
    expect(resumed.c.epochs.map((e) => e.epoch)).toEqual([2]);
    const [a, b] = [straight.c.checkpoints[1], resumed.c.checkpoints[0]];
    weightsEqual(a, b);
    expect(b.rngState).toBe(a.rngState);
    expect(b.globalStep).toBe(a.globalStep);
    expect(resumed.c.steps.map((s) => s.loss)).toEqual(straight.c.steps.slice(3).map((s) => s.loss));
  });

  it('no tensor leaks: live tensors identical after every step and every epoch, and none left after the run', async () => {
    const { c, before, after } = await runTraining({ ...BASE, defense: 'ascl', adversary: 'trades', projectionHead: 'p2' });
    expect(new Set(c.tensors).size).toBe(1);
    expect(after).toBe(before);
  });

  it('per-step terms and counts, per-epoch means, accuracies and R-DIV terms are plain finite numbers', async () => {
    const { c } = await runTraining({ ...BASE, epochs: 1 });
    expect(c.steps).toHaveLength(3);
    expect(c.steps[0]).toMatchObject({ epoch: 1, step: 0, stepInEpoch: 0, stepsPerEpoch: 3, learningRate: 1e-3 });
    for (const k of ['ce_nat', 'ce_adv', 'scl', 'vat', 'pos_benign', 'pos_adv', 'neg_benign', 'neg_adv']) expect(Number.isFinite(c.steps[0].terms[k])).toBe(true);
    const e = c.epochs[0];
    const mean = c.steps.reduce((s, m) => s + m.terms.scl, 0) / 3;
    expect(e.terms.scl).toBeCloseTo(mean, 6);
    for (const k of ['rdiv', 'd_plus', 'd_minus']) expect(Number.isFinite(e.terms[k])).toBe(true);
    for (const v of [e.trainAccuracy, e.natAccuracy, e.pgdAccuracy]) { expect(v).toBeGreaterThanOrEqual(0); expect(v).toBeLessThanOrEqual(1); }
  });

  it('query anchors (Figure 8): snapshots at the chosen epochs with same-label positives and the counterpart', async () => {
    const { c } = await runTraining({ ...BASE, selectionEpochs: [2] });
    expect(c.selections.length).toBe(3);
    for (const s of c.selections) {
      expect(s.epoch).toBe(2);
      expect(s.anchorLabel).toBe(DATA.train.labels[s.anchorIndex]);
      for (const p of s.positives) expect(DATA.train.labels[p.index]).toBe(s.anchorLabel);
      for (const n of s.negatives) expect(DATA.train.labels[n.index]).not.toBe(s.anchorLabel);
      // leakedCounterpart 'paper': the anchor's own adversarial example is always a positive
      expect(s.positives).toContainEqual({ index: s.anchorIndex, adversarial: true });
    }
  });

  it('shouldStop after 2 steps: cancelled, no epoch finished', async () => {
    const { result, c } = await runTraining(BASE, { stopAfter: 2 });
    expect(result).toEqual({ status: 'cancelled', epochs: 0 });
    expect(c.steps).toHaveLength(2);
    expect(c.epochs).toHaveLength(0);
  });

  it.each([
    [{ lambdaScl: -1 }, /lambdaScl/],
    [{ tau: 0 }, /tau/],
    [{ selection: 'hardest' }, /selection/],
    [{ defense: 'adv', projectionHead: 'p1' }, /projectionHead "p1" only acts on the contrastive term/],
  ] as const)('bad configuration %j fails before any step', async (bad, message) => {
    let steps = 0;
    await expect(train({ config: { ...parseRunConfig(BASE), ...bad } as never, dataset: DATA, backend: 'wasm', hooks: { onStep: () => { steps++; } } })).rejects.toThrow(message);
    expect(steps).toBe(0);
  });

  it('resume with a changed objective is refused, naming the key', async () => {
    const { c } = await runTraining({ ...BASE, epochs: 1 });
    await expect(runTraining({ ...BASE, lambdaVat: 1 }, { resume: c.checkpoints[0] })).rejects.toThrow(/lambdaVat \(2 -> 1\)/);
  });
});

describe('train step and checks on cpu', () => {
  beforeAll(async () => { await initBackend('cpu'); });

  it('a NaN loss throws NonFiniteLossError naming the epoch and the step', async () => {
    const model = tinyModel();
    const optimizer = createOptimizer('adam', model.trainableVariables(), { momentum: 0, weightDecay: 0 });
    const nanObjective: Objective = {
      name: 'nat', prepare: (_c, x, y) => ({ x, y, xAdv: null }),
      loss: (ctx, b) => tf.tidy(() => tf.mul(tf.sum(ctx.model.forward(b.x, { training: true }).logits), NaN) as tf.Scalar),
    };
    const step = makeTrainStep({ model, objective: nanObjective, optimizer, config: parseRunConfig({}), eps: 0.1, stepSize: 0.01, rng: new Rng(1) });
    const x = tf.zeros([2, 4, 4, 1]) as tf.Tensor4D, y = tf.tensor1d([0, 1], 'int32');
    const before = tf.memory().numTensors;
    await expect(step(x, y, { epoch: 3, step: 17, learningRate: 1e-3 })).rejects.toThrow(NonFiniteLossError);
    await expect(step(x, y, { epoch: 3, step: 17, learningRate: 1e-3 })).rejects.toThrow(/non-finite loss at epoch 3, step 17.*loss=NaN/);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]); optimizer.dispose(); model.dispose();
  });

  it('a projection head the model does not carry is rejected', () => {
    const model = tinyModel(3, 1, 'none');
    expect(() => validateModelForConfig(model, parseRunConfig({ defense: 'ascl', projectionHead: 'p2' }))).toThrow(/projectionHead "p2" requested, but model external has "none"/);
    model.dispose();
  });

  it('cpu backend, 8x8 images: 2 epochs straight equal 1 + resume 1 (adv)', async () => {
    const data = createSyntheticDataset({ trainCount: 8, testCount: 4, height: 8, width: 8, channels: 1, seed: 5 });
    const cfg: RunConfigInput = { ...BASE, defense: 'adv', batchSize: 4, evalSubset: 4, pgdSteps: 1 };
    const straight = await runTraining(cfg, { backend: 'cpu', dataset: data });
    const resumed = await runTraining(cfg, { backend: 'cpu', dataset: data, resume: straight.c.checkpoints[0] });
    weightsEqual(straight.c.checkpoints[1], resumed.c.checkpoints[0]);
  });
});
