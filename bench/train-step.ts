/**
 * Times one training step of the paper's method on the current tfjs backend: PGD-10 adversary
 * (eps 8/255, step 2/255, random start), loss CE(nat) + CE(adv) + L_SCL (tau 0.07, cosine,
 * Global selection) + 2 * KL(nat || adv), Adam: the engine's own model, `ascl` objective and
 * train step (src-main/engine/{models,objectives,train}). Inputs are synthetic CIFAR-shaped
 * batches (throughput does not depend on the data).
 */
import { tf } from '../src-main/engine/tf.js';
import type { ModelName } from '../src-main/shared/options.js';
import { parseRunConfig, attackBudget } from '../src-main/shared/run-config.js';
import { createModel } from '../src-main/engine/models/index.js';
import { getObjective } from '../src-main/engine/objectives/index.js';
import { Rng } from '../src-main/engine/rng.js';
import { createOptimizer } from '../src-main/engine/train/optimizer.js';
import { makeTrainStep } from '../src-main/engine/train/step.js';
import { kernelPoolStats, resetKernelPoolStats, type KernelPoolStats, type KernelPoolTimes } from '../src-main/engine/backend/kernels/kernel-pool.js';
import { kernelFlops, profileKernels, type KernelRow } from './kernel-profile.js';

export interface StepTiming {
  model: ModelName;
  batch: number;
  msPerStep: number;
  samplesPerSecond: number;
  /** FLOPs of one step by the convention in `stepFlops`. */
  flopsPerStep: number;
  /** Live tensors after the first and the last timed step (equal when nothing leaks). */
  tensorsAfter: [number, number];
  /** Our kernel pool's time per timed step (wasm; calls 0 elsewhere): what of the step is split over the threads. */
  pool: KernelPoolStats;
  /** One more step under tf.profile, when asked (./kernel-profile.ts). */
  profile?: { rows: KernelRow[]; totalMs: number; stepMs: number };
}

/**
 * Multiply-add FLOPs (2 per MAC) of the convolutions and matmuls of one forward pass of `logits`,
 * read from tf.profile's kernel list (per kernel: ./kernel-profile.ts `kernelFlops`).
 */
export async function forwardFlops(forward: () => tf.Tensor): Promise<number> {
  const info = await tf.profile(() => forward());
  return info.kernels.reduce((sum, k) => sum + (kernelFlops(k.name, k.inputShapes as number[][], k.outputShapes as number[][]) ?? 0), 0);
}

/**
 * Step FLOPs = 26 F for a forward pass F over the batch: PGD-10 is 10 x (forward + input
 * gradient, about F each) = 20 F; the update is 2 forwards (nat, adv) + their backward passes
 * (input and weight gradients, about 2 F each) = 6 F. The contrastive and KL terms are negligible.
 */
export function stepFlops(forwardBatchFlops: number, pgdSteps = 10): number {
  return (2 * pgdSteps + 6) * forwardBatchFlops;
}

export interface TimeStepOptions {
  batch?: number;
  steps?: number;
  warmup?: number;
  seed?: number;
  /** Awaited between warm-up and timing (workers use it to start timing together). */
  beforeTiming?: () => Promise<void>;
  /** After timing, profile one more step per kernel. */
  profile?: boolean;
}

export async function timeTrainStep(model: ModelName, opts: TimeStepOptions = {}): Promise<StepTiming> {
  const batch = opts.batch ?? 128;
  const config = parseRunConfig({
    dataset: 'cifar10', model, defense: 'ascl', adversary: 'pgd', selection: 'global', distance: 'cosine', tau: 0.07,
    lambdaNat: 1, lambdaScl: 1, lambdaVat: 2, pgdSteps: 10, randomStart: true, optimizer: 'adam', batchSize: batch,
    seed: opts.seed ?? 0,
  }, 'bench');
  const net = createModel(model, { inputShape: [32, 32, 3], numClasses: 10, projectionHead: 'none', seed: config.seed });
  const optimizer = createOptimizer('adam', net.trainableVariables(), { momentum: 0, weightDecay: 0 });
  const { eps, stepSize } = attackBudget(config);
  const rng = new Rng(config.seed);
  const step = makeTrainStep({ model: net, objective: getObjective('ascl'), optimizer, config, eps, stepSize, rng });
  const x = tf.randomUniform([batch, 32, 32, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
  const y = tf.tensor1d(Array.from({ length: batch }, () => rng.int(10)), 'int32');
  try {
    const f = await forwardFlops(() => tf.tidy(() => net.forward(x, { training: true }).logits));
    const call = (i: number) => step(x, y, { epoch: 0, step: i, learningRate: 1e-3 });
    for (let i = 0; i < (opts.warmup ?? 1); i++) await call(i);
    await opts.beforeTiming?.();
    const steps = opts.steps ?? 3;
    let first = 0;
    resetKernelPoolStats();
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) {
      await call(i + 100);
      if (i === 0) first = tf.memory().numTensors;
    }
    const ms = (performance.now() - t0) / steps;
    const p = kernelPoolStats();
    const perStep = (t: KernelPoolTimes): KernelPoolTimes => ({ calls: t.calls / steps, wallMs: t.wallMs / steps, busyMs: t.busyMs.map((b) => b / steps) });
    const pool: KernelPoolStats = { ...perStep(p), byKernel: Object.fromEntries(Object.entries(p.byKernel).map(([k, t]) => [k, perStep(t)])) };
    const tensorsAfter: [number, number] = [first, tf.memory().numTensors];
    let profile: StepTiming['profile'];
    if (opts.profile) {
      const p0 = performance.now();
      const p = await profileKernels(() => call(1000));
      profile = { ...p, stepMs: performance.now() - p0 };
    }
    return { model, batch, msPerStep: ms, samplesPerSecond: (batch / ms) * 1000, flopsPerStep: stepFlops(f), tensorsAfter, pool, profile };
  } finally {
    tf.dispose([x, y]);
    optimizer.dispose();
    net.dispose();
  }
}
