/**
 * Latent-space divergences of Section 2 (paper, "Analysis of Latent Space Divergence") and
 * supplementary Section 7. For a batch of N benign images x_i with labels y_i and their
 * adversarial examples x_i^T, anchor x_i has
 *   positive set X_i^+ = { x_j, x_j^T | j != i, y_j = y_i },
 *   negative set X_i^- = { x_j, x_j^T | j != i, y_j != y_i },
 * and with d the cosine distance 1 - cos(f(a), f(b)) between latents:
 *   absolute intra-class divergence  d_a^+ = 1/N sum_i 1/|X_i^+| sum_{x in X_i^+} d(f(x_i), f(x)),
 *   absolute inter-class divergence  d_a^- = the same over X_i^-,
 *   relative intra-class divergence  R-DIV = d_r^+ = d_a^+ / d_a^-.
 * Supplementary 7: the divergences are computed on mini-batches of 128 and averaged over the
 * mini-batches (R-DIV too: the mean of the per-batch ratios).
 * Anchors whose set is empty (no other sample of their class in the batch) are left out of that
 * mean, since 1/|X_i^+| is undefined for them. The anchor's own adversarial example x_i^T is not
 * in X_i^+ (j != i); `includeOwnCounterpart` adds it (eq. 1's z_i^a) for comparison.
 */
import { tf } from '../tf.js';
import { readTidy } from '../read.js';
import type { Divergences } from '../../shared/rows.js';

export interface DivergenceOptions {
  /** Mini-batch size of supplementary 7 (128). */
  batchSize?: number;
  /** Also count d(f(x_i), f(x_i^T)) as a positive pair (not in the paper's X_i^+). */
  includeOwnCounterpart?: boolean;
}

export type { Divergences };

/** Rows of a [N, D] latent matrix scaled to unit L2 norm (cosine similarity = dot product). */
function unitRows(z: Float32Array, n: number, dim: number): Float64Array {
  const out = new Float64Array(n * dim);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < dim; k++) s += z[i * dim + k] ** 2;
    const inv = 1 / Math.max(Math.sqrt(s), 1e-12);
    for (let k = 0; k < dim; k++) out[i * dim + k] = z[i * dim + k] * inv;
  }
  return out;
}

function cosineDistance(a: Float64Array, i: number, b: Float64Array, j: number, dim: number): number {
  let s = 0;
  for (let k = 0; k < dim; k++) s += a[i * dim + k] * b[j * dim + k];
  return 1 - s;
}

/** d_a^+, d_a^- and R-DIV of one mini-batch. z, zAdv: [N, D] latents; labels: [N]. */
export async function batchDivergences(z: tf.Tensor2D, zAdv: tf.Tensor2D, labels: ArrayLike<number>, o: DivergenceOptions = {}): Promise<Divergences> {
  const [n, dim] = z.shape;
  if (zAdv.shape[0] !== n || zAdv.shape[1] !== dim || labels.length !== n) {
    throw new Error(`batchDivergences: shapes differ: benign [${z.shape}], adversarial [${zAdv.shape}], ${labels.length} labels`);
  }
  // One read for both: [z; zAdv] [2N, D].
  const both = (await readTidy(() => tf.concat([z, zAdv], 0))) as Float32Array;
  const a = unitRows(both.subarray(0, n * dim), n, dim);
  const b = unitRows(both.subarray(n * dim), n, dim);
  let plusSum = 0, plusAnchors = 0, minusSum = 0, minusAnchors = 0;
  for (let i = 0; i < n; i++) {
    let ps = 0, pc = 0, ms = 0, mc = 0;
    for (let j = 0; j < n; j++) {
      if (j === i) {
        if (o.includeOwnCounterpart) { ps += cosineDistance(a, i, b, i, dim); pc++; }
        continue;
      }
      // Both x_j and x_j^T belong to the set of anchor i.
      const dd = cosineDistance(a, i, a, j, dim) + cosineDistance(a, i, b, j, dim);
      if (labels[j] === labels[i]) { ps += dd; pc += 2; } else { ms += dd; mc += 2; }
    }
    if (pc > 0) { plusSum += ps / pc; plusAnchors++; }
    if (mc > 0) { minusSum += ms / mc; minusAnchors++; }
  }
  const dPlus = plusAnchors > 0 ? plusSum / plusAnchors : NaN;
  const dMinus = minusAnchors > 0 ? minusSum / minusAnchors : NaN;
  return { dPlus, dMinus, rdiv: dPlus / dMinus };
}

export async function absoluteIntraClassDivergence(z: tf.Tensor2D, zAdv: tf.Tensor2D, labels: ArrayLike<number>, o: DivergenceOptions = {}): Promise<number> {
  return (await batchDivergences(z, zAdv, labels, o)).dPlus;
}

export async function absoluteInterClassDivergence(z: tf.Tensor2D, zAdv: tf.Tensor2D, labels: ArrayLike<number>, o: DivergenceOptions = {}): Promise<number> {
  return (await batchDivergences(z, zAdv, labels, o)).dMinus;
}

export async function relativeIntraClassDivergence(z: tf.Tensor2D, zAdv: tf.Tensor2D, labels: ArrayLike<number>, o: DivergenceOptions = {}): Promise<number> {
  return (await batchDivergences(z, zAdv, labels, o)).rdiv;
}

/** Running mean over mini-batches of each divergence (batches where one is undefined skip it). */
export class DivergenceAverager {
  private sums = { dPlus: 0, dMinus: 0, rdiv: 0 };
  private counts = { dPlus: 0, dMinus: 0, rdiv: 0 };
  add(d: Divergences): void {
    for (const k of ['dPlus', 'dMinus', 'rdiv'] as const) {
      if (Number.isFinite(d[k])) { this.sums[k] += d[k]; this.counts[k]++; }
    }
  }
  get batches(): number { return this.counts.rdiv; }
  result(): Divergences {
    const mean = (k: keyof Divergences) => (this.counts[k] > 0 ? this.sums[k] / this.counts[k] : NaN);
    return { dPlus: mean('dPlus'), dMinus: mean('dMinus'), rdiv: mean('rdiv') };
  }
}

/**
 * Supplementary 7's estimate over a whole set: batchDivergences on consecutive mini-batches of
 * `batchSize` (128) rows, averaged. For the trainer, which already has the eval subset's latents
 * and its PGD examples' latents: z, zAdv [N, D], labels [N].
 */
export async function latentDivergences(z: tf.Tensor2D, zAdv: tf.Tensor2D, labels: ArrayLike<number>, o: DivergenceOptions = {}): Promise<Divergences & { batches: number }> {
  const bs = o.batchSize ?? 128;
  const n = z.shape[0];
  const avg = new DivergenceAverager();
  for (let from = 0; from < n; from += bs) {
    const m = Math.min(bs, n - from);
    if (m < 2) break;
    const [zb, zab] = tf.tidy(() => [tf.slice(z, [from, 0], [m, -1]), tf.slice(zAdv, [from, 0], [m, -1])]) as [tf.Tensor2D, tf.Tensor2D];
    try {
      avg.add(await batchDivergences(zb, zab, Array.from(labels).slice(from, from + m), o));
    } finally {
      tf.dispose([zb, zab]);
    }
  }
  return { ...avg.result(), batches: avg.batches };
}
