/**
 * t-SNE of the latent space (supplementary Figure 6): latents of `benign` test images and of the
 * PGD adversarial examples of the first `adversarial` of them, embedded in 2-D together, each
 * point with its label, whether it is adversarial, and the entropy of the model's prediction
 * -sum_k p_k log p_k (the figure's z-axis). Embedding: @keckelt/tsne (a maintained TypeScript
 * port of Karpathy's tsnejs), with its Gaussian start drawn from the seeded Rng.
 */
import { TSNE } from '@keckelt/tsne';
import { tf } from '../tf.js';
import { readTidy } from '../read.js';
import type { ClassifierModel } from '../models/model.js';
import { pgdEval } from '../attacks/pgd.js';
import { inferenceLogits } from '../evaluate/evaluate.js';
import { Rng } from '../rng.js';

import type { TsnePoint } from '../../shared/rows.js';

export type { TsnePoint };

export interface TsneOptions {
  benign?: number;
  adversarial?: number;
  eps: number;
  stepSize: number;
  steps: number;
  seed: number;
  perplexity?: number;
  iterations?: number;
  batchSize?: number;
}

/** tsnejs with a seeded start (the library draws from Math.random). */
class SeededTsne extends TSNE {
  private readonly rng: Rng;
  private spare: number | null = null;
  constructor(opt: object, seed: number) { super(opt); this.rng = new Rng(seed); }
  override gaussRandom(): number {
    if (this.spare !== null) { const s = this.spare; this.spare = null; return s; }
    for (;;) {
      const u = 2 * this.rng.next() - 1;
      const v = 2 * this.rng.next() - 1;
      const r = u * u + v * v;
      if (r === 0 || r > 1) continue;
      const c = Math.sqrt((-2 * Math.log(r)) / r);
      this.spare = v * c;
      return u * c;
    }
  }
}

/** Prediction entropy per row of logits [B, K] (natural log).  [B] */
export async function predictionEntropy(logits: tf.Tensor2D): Promise<Float32Array> {
  return (await readTidy(() => {
    const logp = tf.logSoftmax(logits);
    return tf.neg(tf.sum(tf.mul(tf.exp(logp), logp), 1));
  })) as Float32Array;
}

/** Embeds rows of `data` [N, D] in 2-D. */
export function embed2d(data: Float32Array, n: number, dim: number, o: { perplexity?: number; iterations?: number; seed: number }): Array<[number, number]> {
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) rows.push(Array.from(data.subarray(i * dim, (i + 1) * dim)));
  const tsne = new SeededTsne({ perplexity: Math.min(o.perplexity ?? 30, Math.max(2, (n - 1) / 3)), dim: 2, epsilon: 10 }, o.seed);
  tsne.initDataRaw(rows);
  for (let i = 0; i < (o.iterations ?? 500); i++) tsne.step();
  return (tsne.getSolution() as number[][]).map((p) => [p[0], p[1]]);
}

export async function latentTsne(model: ClassifierModel, images: Float32Array, labels: Int32Array, o: TsneOptions): Promise<TsnePoint[]> {
  const [h, w, c] = model.inputShape;
  const d = h * w * c;
  const nb = Math.min(o.benign ?? 1000, labels.length);
  const na = Math.min(o.adversarial ?? 100, nb);
  const bs = o.batchSize ?? 128;
  const f = inferenceLogits(model);
  const latents: Float32Array[] = [];
  const meta: Array<Omit<TsnePoint, 'x' | 'y'>> = [];
  const collect = async (x: tf.Tensor4D, yArr: Int32Array, adversarial: boolean): Promise<void> => {
    // tidy: the forward pass's activations (and the projection head's output) are dropped here.
    const out = tf.tidy(() => {
      const r = model.forward(x, { training: false });
      return { latent: r.latent, logits: r.logits };
    });
    try {
      latents.push(Float32Array.from(await out.latent.data()));
      const ent = await predictionEntropy(out.logits);
      yArr.forEach((label, i) => meta.push({ label, adversarial, entropy: ent[i] }));
    } finally {
      tf.dispose([out.logits, out.latent]);
    }
  };
  for (let from = 0; from < nb; from += bs) {
    const m = Math.min(bs, nb - from);
    const x = tf.tensor4d(images.subarray(from * d, (from + m) * d), [m, h, w, c]);
    await collect(x, labels.subarray(from, from + m), false);
    if (from < na) {
      const k = Math.min(m, na - from);
      const xs = tf.slice(x, [0, 0, 0, 0], [k, h, w, c]) as tf.Tensor4D;
      const ys = tf.tensor1d(labels.subarray(from, from + k), 'int32');
      const adv = await pgdEval(f, xs, ys, { eps: o.eps, stepSize: o.stepSize, steps: o.steps, randomStart: true, restarts: 1, numClasses: model.numClasses, seed: o.seed + from });
      await collect(adv, labels.subarray(from, from + k), true);
      tf.dispose([xs, ys, adv]);
    }
    x.dispose();
  }
  const dim = model.latentDim;
  const all = new Float32Array(meta.length * dim);
  let off = 0;
  for (const l of latents) { all.set(l, off); off += l.length; }
  const pts = embed2d(all, meta.length, dim, { perplexity: o.perplexity, iterations: o.iterations, seed: o.seed });
  return meta.map((m, i) => ({ x: pts[i][0], y: pts[i][1], ...m }));
}
