/**
 * The per-epoch measurement on the held-out subset (the first `config.evalSubset` test samples):
 * natural accuracy, PGD accuracy (the run's eps / step / steps, random start, inference mode) and the
 * latent divergences of Section 2 (R-DIV = d_a^+ / d_a^-, Figure 2b) from the same adversarial
 * examples, through the analysis module's latentDivergence; and the fraction of dead latent units on
 * the natural images of the same subset (collapse.ts). This is monitoring, cheap on purpose
 * (e.g. PGD-10 on 500 images, labelled so wherever it is shown: shared/evaluation.ts monitoringLabel),
 * not the paper's evaluation (k = 250 on the full test set; engine/evaluate/).
 */
import type { RunConfig } from '../../shared/run-config.js';
import type { Dataset } from '../data/dataset.js';
import type { ClassifierModel } from '../models/model.js';
import { tf } from '../tf.js';
import { readTidy } from '../read.js';
import { latentDivergence } from '../analysis/rdiv.js';
import { deadLatentFraction } from './collapse.js';

/** Inference-mode accuracy on the first n test samples. */
async function naturalAccuracy(model: ClassifierModel, dataset: Dataset, n: number, batchSize: number): Promise<number> {
  const [h, w, c] = model.inputShape;
  const d = h * w * c;
  let correct = 0;
  for (let from = 0; from < n; from += batchSize) {
    const m = Math.min(batchSize, n - from);
    const pred = await readTidy(() => tf.argMax(model.forward(tf.tensor4d(dataset.test.images.subarray(from * d, (from + m) * d), [m, h, w, c]), { training: false }).logits, 1));
    for (let i = 0; i < m; i++) correct += pred[i] === dataset.test.labels[from + i] ? 1 : 0;
  }
  return n ? correct / n : 0;
}

export interface EpochEvaluation {
  natAccuracy: number;
  pgdAccuracy: number;
  /** null when the PGD budget is 0 (no adversarial examples to measure divergences on). */
  rdiv: number | null;
  dPlus: number | null;
  dMinus: number | null;
  /** Monitored test images. */
  n: number;
  /** Share of latent units that are 0 on all n natural images (inference mode). */
  deadLatentFraction: number;
}

export async function evaluateEpoch(model: ClassifierModel, dataset: Dataset, config: RunConfig, budget: { eps: number; stepSize: number }, epoch: number): Promise<EpochEvaluation> {
  const n = Math.min(config.evalSubset, dataset.test.count);
  const dead = await deadLatentFraction(model, dataset.test.images, n, config.batchSize);
  if (!(budget.eps > 0)) {
    const nat = await naturalAccuracy(model, dataset, n, config.batchSize);
    return { natAccuracy: nat, pgdAccuracy: nat, rdiv: null, dPlus: null, dMinus: null, n, deadLatentFraction: dead };
  }
  const size = dataset.height * dataset.width * dataset.channels;
  // A seed of its own per epoch: the evaluation never draws from the training Rng, so changing
  // evalSubset does not change the training run.
  const seed = (config.seed * 7919 + epoch * 104729) % 2147483647;
  const p = await latentDivergence(model, dataset.test.images.subarray(0, n * size), dataset.test.labels.subarray(0, n), {
    eps: budget.eps, stepSize: budget.stepSize, steps: config.pgdSteps, seed, n, batchSize: config.batchSize,
  });
  return { natAccuracy: p.cleanAccuracy, pgdAccuracy: p.robustAccuracy, rdiv: p.rdiv, dPlus: p.dPlus, dMinus: p.dMinus, n, deadLatentFraction: dead };
}
