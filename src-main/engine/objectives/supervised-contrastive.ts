import { tf } from '../tf.js';
import { syncReadable } from '../read.js';
import type { AdversarialAnchorKey, DistanceName, LeakedCounterpart, SclReduction, SelectionName } from '../../shared/options.js';
import type { SelectionMasks } from '../selection/selection.js';
import { getSelection } from '../selection/index.js';
import { TERMS } from '../../shared/terms.js';
import type { RecordTerm } from './objective.js';

/**
 * The supervised contrastive loss L_SCL of eqs. 1-3 over 2B latents (rows 0..B-1 benign, rows
 * B..2B-1 their adversarial counterparts), with the positive/negative sets of a selection strategy.
 *
 * Per anchor i: L_i = -(1/max(|P_i|,1)) * sum_{p in P_i} log softmax_{k in P_i ∪ N_i}(s_ik)[p], with
 * s_ik = sim(z_i, z_k)/tau and the anchor itself excluded (the anchor's similarity is sim(z, anchor):
 * eq. 2 prints sim(z, z_i) for the anchor z_i^a, which supplementary eq. 9 writes as sim(z_j, z_i^A)).
 *
 * Reduction over the batch (`reduction`, see SCL_REDUCTIONS):
 * - `eq3`: eq. 3, L_SCL = (1/N) sum_{i=1..N} (L_i^scl + L_i^a,scl): per benign/adversarial pair the sum
 *   of its two anchors' losses, averaged over the N pairs; = (1/N) * (sum over all 2N anchors) = 2 x
 *   the mean over the 2N anchors.
 * - `anchor-mean`: the mean over the 2N anchors, the authors' `soft_lcscl` (`torch.mean(loss)` over
 *   its 2b rows) and test/fixtures/golden/scl_loss.json; at the same lambda_SCL it weighs the
 *   contrastive term half as much as eq. 3.
 *
 * Gradients flow through the latent normalisation (as the authors' code, which normalises inside
 * the loss) and never through the masks: they are 0/1 constants built from int32 labels and argmax
 * predictions, and enter only through tf.where's condition and a product with a constant.
 */
export interface ContrastiveOptions {
  distance: DistanceName;
  /** L2-normalise the latent rows before the distance (cosine normalises anyway). */
  normalize: boolean;
  /** Temperature tau > 0. */
  tau: number;
  /** Batch reduction: eq. 3 (sum of the pair's two anchor losses, mean over pairs) or the mean over 2N anchors. */
  reduction: SclReduction;
}

/** Logit given to candidates outside P ∪ N (the authors' code subtracts 1e9 likewise). */
const EXCLUDED_LOGIT = -1e9;
/** Floor of a squared l2 distance before the square root (its derivative is infinite at 0). */
const SQRT_FLOOR = 1e-12;

/** L2-normalises rows, as F.normalize(p=2, eps=1e-12): z / max(||z||, 1e-12). [n, D] -> [n, D] */
export function l2NormalizeRows(z: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.div(z, tf.maximum(tf.norm(z, 'euclidean', 1, true), 1e-12)) as tf.Tensor2D);
}

/**
 * Gram matrix h h^T [n, n] of rows h [n, D], with the gradient (dG + dG^T) h written as one plain
 * matmul: tfjs' transposing matMuls (h h^T forward, and the two of its default gradient) run
 * 5-15x slower than an explicit transpose plus a plain matmul on the wasm backend.
 */
const gram = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const h = args[0] as tf.Tensor2D;
  (args[1] as tf.GradSaveFunc)([h]);
  return {
    value: tf.matMul(h, tf.transpose(h)),
    gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => tf.matMul(tf.add(dy, tf.transpose(dy)) as tf.Tensor2D, saved[0] as tf.Tensor2D),
  };
}) as (h: tf.Tensor2D) => tf.Tensor2D;

/**
 * Row-wise log-sum-exp [n, n] -> [n] with the gradient softmax(x) * dy: tf.logSumExp also
 * differentiates through its (stabilising) max, whose gradient broadcasts an `equal` over the
 * matrix and costs more than the rest of the loss on wasm; that path's total gradient is zero.
 */
const rowLogSumExp = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const x = args[0] as tf.Tensor2D;
  const save = args[1] as tf.GradSaveFunc;
  const m = tf.max(x, 1, true); // [n, 1], a constant shift
  const lse = tf.add(tf.log(tf.sum(tf.exp(tf.sub(x, m)), 1, true)), m); // [n, 1]
  save([x, lse]);
  return {
    value: tf.reshape(lse, [x.shape[0]]) as tf.Tensor1D,
    gradFunc: (dy: tf.Tensor1D, [xs, l]: tf.Tensor[]) => tf.mul(tf.exp(tf.sub(xs, l)), tf.reshape(dy, [xs.shape[0], 1])),
  };
}) as (x: tf.Tensor2D) => tf.Tensor1D;

/**
 * Pairwise l1 / linf distances [n, D] -> [n, n] in plain JS loops with a hand-written gradient.
 * As tensor ops they need an [n, n, D] difference tensor (8M floats for a batch of 128 at D = 128)
 * and, for linf, a max gradient that broadcasts an `equal` over it: about a second per step on the
 * wasm backend, against a few ms here. Gradient: d|a_k - b_k|/da_k = sign(a_k - b_k) (0 at a tie,
 * as tf.abs), for linf only at the first coordinate attaining the max.
 */
function lpDistances(kind: 'l1' | 'linf') {
  return tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const h = args[0] as tf.Tensor2D;
    const [n, d] = h.shape;
    // eslint-disable-next-line no-restricted-properties -- in-tape: the forward of a tf.customGrad runs synchronously inside tf.variableGrads
    const H = h.dataSync() as Float32Array;
    const dist = new Float32Array(n * n);
    const argmax = kind === 'linf' ? new Int32Array(n * n) : null;
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        let acc = 0, best = 0;
        for (let k = 0; k < d; k++) {
          const a = Math.abs(H[i * d + k] - H[j * d + k]);
          if (kind === 'l1') acc += a;
          else if (a > acc) { acc = a; best = k; }
        }
        dist[i * n + j] = dist[j * n + i] = acc;
        if (argmax) argmax[i * n + j] = best;
      }
    }
    return {
      value: tf.tensor2d(dist, [n, n]),
      gradFunc: (dy: tf.Tensor2D) => {
        // eslint-disable-next-line no-restricted-properties -- in-tape: a tf.customGrad gradient function is called synchronously by the tape
        const G = dy.dataSync() as Float32Array;
        const out = new Float32Array(n * d);
        for (let i = 0; i < n; i++) {
          for (let j = i + 1; j < n; j++) {
            const g = G[i * n + j] + G[j * n + i]; // the matrix is symmetric: both entries depend on the pair
            if (g === 0) continue;
            if (argmax) {
              const k = argmax[i * n + j];
              const s = g * Math.sign(H[i * d + k] - H[j * d + k]);
              out[i * d + k] += s;
              out[j * d + k] -= s;
            } else {
              for (let k = 0; k < d; k++) {
                const s = g * Math.sign(H[i * d + k] - H[j * d + k]);
                out[i * d + k] += s;
                out[j * d + k] -= s;
              }
            }
          }
        }
        return tf.tensor2d(out, [n, d]);
      },
    };
  }) as (h: tf.Tensor2D) => tf.Tensor2D;
}
const l1Loops = lpDistances('l1');
const linfLoops = lpDistances('linf');

/**
 * The same distances as tensor ops, for a backend without synchronous reads (webgpu in Node):
 * |h_i - h_j| over an [n, n, D] difference tensor, summed (l1) or maximised (linf) over D, with
 * tfjs' gradients (sign, 0 on the diagonal; linf's at every coordinate attaining the max, which
 * for distinct floats is the loops' single first one).
 */
function lpDistancesOps(kind: 'l1' | 'linf', h: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const diff = tf.abs(tf.sub(tf.expandDims(h, 1), tf.expandDims(h, 0))); // [n, n, D]
    return (kind === 'l1' ? tf.sum(diff, 2) : tf.max(diff, 2)) as tf.Tensor2D;
  });
}

const l1Distances = (h: tf.Tensor2D): tf.Tensor2D => (syncReadable() ? l1Loops(h) : lpDistancesOps('l1', h));
const linfDistances = (h: tf.Tensor2D): tf.Tensor2D => (syncReadable() ? linfLoops(h) : lpDistancesOps('linf', h));

/**
 * Pairwise similarity sim(z_i, z_j) of eq. 1 (before the temperature): cosine, minus an l1 / l2 /
 * linf distance, or the dot product (`matmul`). z: [n, D] -> [n, n].
 */
export function pairwiseSimilarity(z: tf.Tensor2D, distance: DistanceName, normalize: boolean): tf.Tensor2D {
  return tf.tidy(() => {
    const h = normalize || distance === 'cosine' ? l2NormalizeRows(z) : z;
    switch (distance) {
      case 'cosine':
      case 'matmul':
        return gram(h);
      case 'l2': {
        // ||a-b||^2 = |a|^2 + |b|^2 - 2 a.b: one matmul instead of an [n, n, D] difference tensor.
        const sq = tf.sum(tf.square(h), 1); // [n]
        const d2 = tf.sub(tf.add(tf.expandDims(sq, 1), tf.expandDims(sq, 0)), tf.mul(gram(h), 2));
        return tf.neg(tf.sqrt(tf.maximum(d2, SQRT_FLOOR))) as tf.Tensor2D;
      }
      case 'l1':
        return tf.neg(l1Distances(h));
      case 'linf':
        return tf.neg(linfDistances(h));
      default:
        throw new Error(`pairwiseSimilarity: unknown distance ${JSON.stringify(distance)}; known: cosine, l1, l2, linf, matmul`);
    }
  });
}

/** L_SCL (eqs. 1-3, reduced as `o.reduction`) for latents z [2B, D] and masks [2B, 2B]. */
export function supervisedContrastiveLoss(z: tf.Tensor2D, masks: SelectionMasks, o: ContrastiveOptions): tf.Scalar {
  if (!(o.tau > 0)) throw new Error(`supervisedContrastiveLoss: tau must be > 0, got ${o.tau}`);
  if (o.reduction !== 'eq3' && o.reduction !== 'anchor-mean') {
    throw new Error(`supervisedContrastiveLoss: reduction must be 'eq3' or 'anchor-mean', got ${JSON.stringify(o.reduction)}`);
  }
  const n = z.shape[0];
  if (masks.positive.shape[0] !== n || masks.positive.shape[1] !== n || masks.negative.shape[0] !== n) {
    throw new Error(`supervisedContrastiveLoss: masks must be [${n}, ${n}] for ${n} latents, got ${JSON.stringify(masks.positive.shape)}`);
  }
  return tf.tidy(() => {
    const s = tf.mul(pairwiseSimilarity(z, o.distance, o.normalize), 1 / o.tau); // [2B, 2B]
    const legal = tf.greater(tf.add(masks.positive, masks.negative), 0); // P ∪ N, bool [2B, 2B]
    const logits = tf.where(legal, s, tf.fill([n, n], EXCLUDED_LOGIT)); // excluded entries get no gradient
    const lse = rowLogSumExp(logits as tf.Tensor2D); // [2B] log of the softmax denominator
    const nPos = tf.sum(masks.positive, 1); // [2B]
    // -sum_p log softmax(p) = |P| * lse - sum_p s_ip  (entries outside P are multiplied by 0)
    const perAnchor = tf.div(tf.sub(tf.mul(nPos, lse), tf.sum(tf.mul(masks.positive, s), 1)), tf.maximum(nPos, 1));
    // eq. 3: (1/N) sum over the N pairs of (L_i + L_i^a) = (sum over the 2N = n anchors) / (n / 2)
    return (o.reduction === 'eq3' ? tf.div(tf.sum(perAnchor), n / 2) : tf.mean(perAnchor)) as tf.Scalar;
  });
}

/**
 * Mean number per anchor of positives and negatives among the benign (columns 0..B-1) and the
 * adversarial (columns B..2B-1) members (Figure 3a/3b). Returns [4]: pos_benign, pos_adv, neg_benign, neg_adv.
 */
export function selectionCounts(masks: SelectionMasks): tf.Tensor1D {
  return tf.tidy(() => {
    const half = (m: tf.Tensor2D): tf.Tensor[] => {
      const [benign, adv] = tf.split(tf.mean(m, 0), 2); // column means = mean over anchors, [2B] -> 2 x [B]
      return [tf.sum(benign), tf.sum(adv)];
    };
    return tf.stack([...half(masks.positive), ...half(masks.negative)]) as tf.Tensor1D;
  });
}

export const COUNT_TERMS = [TERMS.posBenign, TERMS.posAdv, TERMS.negBenign, TERMS.negAdv] as const;

export interface ContrastiveTermOptions extends ContrastiveOptions {
  selection: SelectionName;
  leakedCounterpart: LeakedCounterpart;
  adversarialAnchorKey: AdversarialAnchorKey;
}

export interface ContrastiveTerm {
  loss: tf.Scalar;
  /** [4] per-anchor counts, in the order of COUNT_TERMS. */
  counts: tf.Tensor1D;
  /** The masks, kept only when asked (query anchors, Figure 8); the caller disposes them. */
  masks: SelectionMasks | null;
}

/**
 * L_SCL of a benign batch and its second views: z = [zNat; zAdv] [2B, D], labels y [B] int32, and
 * the argmax predictions on each view (no gradient). Masks come from the named selection strategy.
 */
export function contrastiveTerm(
  zNat: tf.Tensor2D, zAdv: tf.Tensor2D, y: tf.Tensor1D, predNat: tf.Tensor1D, predAdv: tf.Tensor1D,
  o: ContrastiveTermOptions, keepMasks = false,
): ContrastiveTerm {
  const strategy = getSelection(o.selection);
  let kept: SelectionMasks | null = null;
  const out = tf.tidy(() => {
    const labels = tf.concat([y, y]) as tf.Tensor1D; // [2B]
    const preds = tf.concat([predNat, predAdv]) as tf.Tensor1D; // [2B]
    const masks = strategy.masks({ labels: tf.cast(labels, 'int32'), preds: tf.cast(preds, 'int32'), leakedCounterpart: o.leakedCounterpart, adversarialAnchorKey: o.adversarialAnchorKey });
    if (keepMasks) kept = { positive: tf.keep(masks.positive), negative: tf.keep(masks.negative) };
    const z = tf.concat([zNat, zAdv], 0) as tf.Tensor2D;
    return { loss: supervisedContrastiveLoss(z, masks, o), counts: selectionCounts(masks) };
  });
  return { loss: out.loss, counts: out.counts, masks: kept };
}

/**
 * L_SCL of an objective's step: masks from the run's selection strategy over [benign; second view],
 * per-anchor counts recorded as pos_benign / pos_adv / neg_benign / neg_adv (Figure 3), and the masks
 * handed to `onMasks` (query anchors, Figure 8) when the trainer asks for them.
 */
export function recordedContrastiveLoss(
  features: { nat: tf.Tensor2D; adv: tf.Tensor2D },
  logits: { nat: tf.Tensor2D; adv: tf.Tensor2D },
  y: tf.Tensor1D,
  o: ContrastiveTermOptions,
  record: RecordTerm,
  onMasks?: (positive: tf.Tensor2D, negative: tf.Tensor2D) => void,
): tf.Scalar {
  return tf.tidy(() => {
    const t = contrastiveTerm(features.nat, features.adv, y, tf.argMax(logits.nat, 1) as tf.Tensor1D,
      tf.argMax(logits.adv, 1) as tf.Tensor1D, o, onMasks !== undefined);
    const counts = tf.unstack(t.counts) as tf.Scalar[];
    COUNT_TERMS.forEach((name, k) => record(name, counts[k]));
    // The masks were kept by contrastiveTerm, so they outlive this scope; onMasks owns them now.
    if (t.masks && onMasks) onMasks(t.masks.positive, t.masks.negative);
    return t.loss;
  });
}

/** The contrastive options of a run configuration. */
export function contrastiveOptions(config: {
  distance: DistanceName; normalizeLatent: boolean; tau: number; selection: SelectionName; leakedCounterpart: LeakedCounterpart;
  adversarialAnchorKey: AdversarialAnchorKey; sclReduction: SclReduction;
}): ContrastiveTermOptions {
  return {
    distance: config.distance, normalize: config.normalizeLatent, tau: config.tau, selection: config.selection,
    leakedCounterpart: config.leakedCounterpart, adversarialAnchorKey: config.adversarialAnchorKey, reduction: config.sclReduction,
  };
}
