/**
 * The collapse check, run after every epoch on the monitoring subset (the first `evalSubset` test
 * images, inference mode):
 * - dead latent fraction: the share of the D latent units whose activation is 0 on every monitored
 *   image (a ReLU unit that never fires passes no gradient and stays dead);
 * - natural accuracy at chance: from epoch COLLAPSE_FROM_EPOCH on, natural accuracy <= 1/K + 2 se,
 *   se = sqrt(p (1 - p) / n) with p = 1/K the accuracy of a constant guess on n monitored images
 *   (K = 10, n = 500: 12.7%).
 * A warning is raised when either holds (dead fraction > DEAD_FRACTION_LIMIT). The usual cause on
 * `small-cnn`/`cnn` without batch norm: ASCL's contrastive term drives the latent ReLU units dead
 * (about 90% of them) and training sits at chance for many epochs (docs/small-models.md).
 */
import { tf } from '../tf.js';
import { readTidy } from '../read.js';
import type { RunConfig } from '../../shared/run-config.js';
import type { ClassifierModel } from '../models/model.js';

export const COLLAPSE_FROM_EPOCH = 2;
export const DEAD_FRACTION_LIMIT = 0.5;

/** Fraction of the columns of latent [N, D] that are 0 in every row. */
export async function deadFraction(latent: tf.Tensor2D): Promise<number> {
  const d = latent.shape[1];
  if (d === 0) throw new Error(`deadFraction: latent has no units (shape [${latent.shape}])`);
  const [alive] = await readTidy(() => tf.sum(tf.cast(tf.greater(tf.max(tf.abs(latent), 0), 0), 'float32')));
  return (d - alive) / d;
}

/** deadFraction of the model's inference-mode latents of the first n images [n, H, W, C], in batches. */
export async function deadLatentFraction(model: ClassifierModel, images: Float32Array, n: number, batchSize: number): Promise<number> {
  const [h, w, c] = model.inputShape;
  const size = h * w * c;
  if (!(n >= 1) || images.length < n * size) throw new Error(`deadLatentFraction: need ${n} >= 1 images of ${h}x${w}x${c}, got ${images.length} values`);
  const fired = new Uint8Array(model.latentDim); // 1 once a unit was non-zero on some image
  for (let from = 0; from < n; from += batchSize) {
    const m = Math.min(batchSize, n - from);
    const peak = await readTidy(() => {
      const out = model.forward(tf.tensor4d(images.subarray(from * size, (from + m) * size), [m, h, w, c]), { training: false });
      return tf.max(tf.abs(out.latent), 0); // [D]
    });
    for (let k = 0; k < peak.length; k++) if (peak[k] > 0) fired[k] = 1;
  }
  return (fired.length - fired.reduce((a, v) => a + v, 0)) / fired.length;
}

/** 1/K + 2 sqrt(p (1 - p) / n), p = 1/K: the highest natural accuracy still read as chance. */
export function chanceBound(numClasses: number, n: number): number {
  const p = 1 / numClasses;
  return p + 2 * Math.sqrt((p * (1 - p)) / n);
}

export interface CollapseInput {
  epoch: number;
  natAccuracy: number;
  /** Monitored images and classes. */
  n: number;
  numClasses: number;
  deadLatentFraction: number;
}

/** The warning text, or null when training looks alive. */
export function collapseWarning(s: CollapseInput, config: RunConfig): string | null {
  const bound = chanceBound(s.numClasses, s.n);
  const atChance = s.epoch >= COLLAPSE_FROM_EPOCH && s.natAccuracy <= bound;
  const dead = s.deadLatentFraction > DEAD_FRACTION_LIMIT;
  if (!atChance && !dead) return null;
  const pct = (v: number): string => `${(v * 100).toFixed(1)}%`;
  const facts: string[] = [];
  if (atChance) facts.push(`natural accuracy ${pct(s.natAccuracy)} is at chance after epoch ${s.epoch} (<= 1/${s.numClasses} + 2 se = ${pct(bound)} on ${s.n} monitoring images)`);
  if (dead) facts.push(`${pct(s.deadLatentFraction)} of the latent units are dead (0 on every monitoring image)`);
  const contrastive = (config.defense === 'ascl' || config.defense === 'scl') && config.lambdaScl > 0;
  const plainCnn = config.model === 'small-cnn' || config.model === 'cnn';
  const tries = [
    ...(plainCnn && !config.batchNorm ? ['batchNorm true'] : []),
    ...(plainCnn && config.latent === 'penultimate' ? ['latent features'] : []),
    // lambdaScl 0 trains where ASCL collapses; tau 0.2 or learningRate 1e-4 did not help (docs/small-models.md)
    ...(contrastive ? ['a smaller lambdaScl'] : ['a lower learningRate']),
  ];
  // Without a contrastive term: a step size the network does not train with, or (adv, trades, adr) an
  // adversary at the full eps from the first step, which a network that has not learnt the clean task yet cannot follow.
  const cause = contrastive
    ? `the usual cause: the latent ReLU units die under the contrastive term${plainCnn && !config.batchNorm ? ' on a network without batch norm' : ''}`
    : `the network is not learning; the usual causes: a learningRate too high for it (${config.learningRate})${config.defense === 'nat' ? '' : ', or the adversarial examples at the full eps from the first step'}` +
      `${plainCnn && !config.batchNorm ? ', on a network without batch norm' : ''}`;
  return `training may have collapsed: ${facts.join('; ')}; ${cause}; try ${tries.join(', ')}`;
}
