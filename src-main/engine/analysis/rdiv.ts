/**
 * R-DIV of a model under PGD (Figure 2b over epochs, Figures 2c and 4 over eps): runs the paper's
 * PGD (random start, `steps` steps of `stepSize`, inference mode) on mini-batches of 128 of the
 * given images, takes the latents of the benign images and of their adversarial examples, and
 * averages the divergences of ./divergence.ts over the mini-batches; robust accuracy comes from
 * the same adversarial examples.
 */
import { tf } from '../tf.js';
import type { ClassifierModel } from '../models/model.js';
import { pgdEval } from '../attacks/pgd.js';
import { inferenceLogits } from '../evaluate/evaluate.js';
import { batchDivergences, DivergenceAverager, type Divergences, type DivergenceOptions } from './divergence.js';

/** `batchSize` is both the PGD batch and the divergences' mini-batch (supplementary 7: 128). */
export interface RdivOptions extends DivergenceOptions {
  eps: number;
  stepSize: number;
  /** PGD steps (the paper: 250 for testing, Figure 2). */
  steps: number;
  seed: number;
  /** Evaluate only the first n images (default all). */
  n?: number;
}

export interface RdivPoint extends Divergences {
  eps: number;
  robustAccuracy: number;
  cleanAccuracy: number;
  batches: number;
}

/** latentDivergence's core: benign and adversarial latents per mini-batch of an engine model. */
export async function latentDivergence(model: ClassifierModel, images: Float32Array, labels: Int32Array, o: RdivOptions): Promise<RdivPoint> {
  if (!(o.eps > 0) || !(o.stepSize > 0) || !(o.steps >= 1)) {
    throw new Error(`latentDivergence: eps, stepSize and steps must be positive (got ${o.eps}, ${o.stepSize}, ${o.steps})`);
  }
  const [h, w, c] = model.inputShape;
  const d = h * w * c;
  const n = Math.min(o.n ?? labels.length, labels.length);
  if (images.length < n * d) throw new Error(`latentDivergence: ${images.length} pixel values for ${n} images of ${h}x${w}x${c}`);
  const bs = o.batchSize ?? 128;
  const f = inferenceLogits(model);
  const avg = new DivergenceAverager();
  let robust = 0, clean = 0;
  for (let from = 0; from < n; from += bs) {
    const m = Math.min(bs, n - from);
    const yArr = labels.subarray(from, from + m);
    const x = tf.tensor4d(images.subarray(from * d, (from + m) * d), [m, h, w, c]);
    const y = tf.tensor1d(yArr, 'int32');
    const adv = await pgdEval(f, x, y, { eps: o.eps, stepSize: o.stepSize, steps: o.steps, randomStart: true, restarts: 1, numClasses: model.numClasses, seed: o.seed + from });
    const out = tf.tidy(() => {
      const nat = model.forward(x, { training: false });
      const at = model.forward(adv, { training: false });
      // One read for both predictions: [natPred; advPred] [2m].
      return { z: nat.latent, zAdv: at.latent, preds: tf.concat([tf.argMax(nat.logits, 1), tf.argMax(at.logits, 1)]) };
    });
    const preds = await out.preds.data();
    const np = preds.subarray(0, m);
    const ap = preds.subarray(m, 2 * m);
    for (let i = 0; i < m; i++) {
      clean += np[i] === yArr[i] ? 1 : 0;
      robust += np[i] === yArr[i] && ap[i] === yArr[i] ? 1 : 0;
    }
    try {
      if (m >= 2) avg.add(await batchDivergences(out.z, out.zAdv, yArr, o));
    } finally {
      tf.dispose([x, y, adv, out.z, out.zAdv, out.preds]);
    }
  }
  return { eps: o.eps, ...avg.result(), robustAccuracy: robust / n, cleanAccuracy: clean / n, batches: avg.batches };
}

/** R-DIV and robust accuracy for each eps (fixed step size and steps, as Figure 4). */
export async function rdivSweep(model: ClassifierModel, images: Float32Array, labels: Int32Array, epsList: number[],
  o: Omit<RdivOptions, 'eps'>, onPoint?: (p: RdivPoint, index: number) => void): Promise<RdivPoint[]> {
  if (epsList.length === 0) throw new Error('rdivSweep: the eps list is empty');
  const points: RdivPoint[] = [];
  for (const [i, eps] of epsList.entries()) {
    const p = await latentDivergence(model, images, labels, { ...o, eps });
    onPoint?.(p, i);
    points.push(p);
  }
  return points;
}
