import { tf } from '../tf.js';
import { constantOf } from '../constant-of.js';
import { syncReadable } from '../read.js';
import type { SelectionInput, SelectionMasks } from './selection.js';

/**
 * Shared plumbing of the selection strategies of Table 1. The masks depend only on 2B integer
 * labels and argmax predictions, so they are built in plain JS loops (65k pairs for a batch of 128:
 * well under a millisecond, where broadcast `equal` ops cost several ms on the wasm backend) and
 * uploaded as constants: no gradient can reach them. A backend without synchronous reads (webgpu in
 * Node) gets the same rules as tensor ops (`selectMasks`), equal to the loops' masks entry by entry.
 */
export interface PairInput {
  /** [2B] true labels (row i+B shares row i's label). */
  labels: Int32Array;
  /** [2B] predicted labels. */
  preds: Int32Array;
  /** 2B */
  n: number;
  /** B */
  b: number;
}

/** Checks a SelectionInput (no read), naming the strategy that received it; answers 2B. */
function checkSelectionInput(where: string, { labels, preds, adversarialAnchorKey }: SelectionInput): number {
  if (adversarialAnchorKey !== 'paper' && adversarialAnchorKey !== 'code') {
    throw new Error(`${where}: adversarialAnchorKey must be 'paper' or 'code', got ${JSON.stringify(adversarialAnchorKey)}`);
  }
  if (labels.rank !== 1 || preds.rank !== 1 || labels.shape[0] !== preds.shape[0]) {
    throw new Error(`${where}: labels and preds must both be [2B], got ${JSON.stringify(labels.shape)} and ${JSON.stringify(preds.shape)}`);
  }
  const n = labels.shape[0];
  if (n % 2 !== 0 || n < 2) throw new Error(`${where}: expected 2B rows (benign then adversarial), got ${n}`);
  if (labels.dtype !== 'int32' || preds.dtype !== 'int32') {
    throw new Error(`${where}: labels and preds must be int32, got ${labels.dtype} and ${preds.dtype}`);
  }
  return n;
}

/** Reads and checks a SelectionInput, naming the strategy that received it. */
export function readSelectionInput(where: string, input: SelectionInput): PairInput {
  const n = checkSelectionInput(where, input);
  // One read for both: [labels; preds] [4B] int32.
  const both = tf.concat([input.labels, input.preds]);
  // eslint-disable-next-line no-restricted-properties -- in-tape: selection masks are built inside the loss, in the tf.variableGrads tape (synchronous), from the argmax predictions of that same forward pass
  const v = both.dataSync() as Int32Array;
  both.dispose();
  return { labels: v.subarray(0, n), preds: v.subarray(n, 2 * n), n, b: n / 2 };
}

/**
 * The same pairs as tensors, for backends without synchronous reads (webgpu in Node): every
 * relation is a [2B, 2B] bool tensor, entry (i, j) about anchor i and latent j.
 */
export interface PairTensors {
  /** [2B] int32 */
  labels: tf.Tensor1D;
  /** [2B] int32 */
  preds: tf.Tensor1D;
  b: number;
  /** y_j = y_i */
  sameLabel: tf.Tensor2D;
  /** j is i's counterpart (j = i + B or i - B). */
  counterpart: tf.Tensor2D;
}

/** (i, j) -> a_i = c_j, [2B, 2B] bool. */
export function rowEqualsColumn(a: tf.Tensor1D, c: tf.Tensor1D): tf.Tensor2D {
  return tf.equal(tf.reshape(a, [-1, 1]), tf.reshape(c, [1, -1])) as tf.Tensor2D;
}

/** anchorKeyFor as a tensor [2B]: `paper` -> [p_0..p_{B-1}, p_0..p_{B-1}], `code` -> the predictions. */
export function anchorKeyTensor(t: PairTensors, key: SelectionInput['adversarialAnchorKey']): tf.Tensor1D {
  if (key === 'code') return t.preds;
  const benign = tf.slice(t.preds, [0], [t.b]);
  return tf.concat([benign, benign]) as tf.Tensor1D;
}

/** A strategy's rule as tensors: bool [2B, 2B] positive and negative relations (the diagonal is cleared after). */
export type TensorRule = (t: PairTensors) => { positive: tf.Tensor; negative: tf.Tensor };

/**
 * A strategy's masks: its per-pair rule on the values read once (`buildMasks`) where the backend reads
 * synchronously, else the same rule as tensor ops, computed as a constant of the tape (no read).
 */
export function selectMasks(
  where: string, input: SelectionInput, rule: (p: PairInput) => (i: number, j: number) => 1 | -1 | 0, tensorRule: TensorRule,
): SelectionMasks {
  if (syncReadable()) {
    const p = readSelectionInput(where, input);
    return buildMasks(p, rule(p));
  }
  const n = checkSelectionInput(where, input);
  const both = constantOf([input.labels, input.preds], (labels, preds) => {
    const y = labels as tf.Tensor1D;
    const i = tf.range(0, n, 1, 'int32');
    const t: PairTensors = {
      labels: y, preds: preds as tf.Tensor1D, b: n / 2, sameLabel: rowEqualsColumn(y, y),
      counterpart: rowEqualsColumn(tf.mod(tf.add(i, n / 2), n) as tf.Tensor1D, i),
    };
    const { positive, negative } = tensorRule(t);
    const offDiagonal = tf.sub(1, tf.eye(n)); // the anchor itself is never asked
    return tf.stack([tf.mul(tf.cast(positive, 'float32'), offDiagonal), tf.mul(tf.cast(negative, 'float32'), offDiagonal)]);
  });
  const [positive, negative] = tf.unstack(both) as tf.Tensor2D[];
  both.dispose();
  return { positive, negative };
}

/**
 * The prediction that keys anchor i's Soft-LS / Leaked-LS sets (Table 1's p_i). A benign anchor uses
 * its own prediction. An adversarial anchor x_i^a (row i >= B): `paper` -> p_i, its benign anchor's,
 * since eq. 2 gives x_i^a the very sets Z_i^+, Z_i^- of eq. 1; `code` -> p_i^a, its own row's, as the
 * authors' soft_lcscl compares every row's prediction with every other's.
 */
export function anchorKeyFor(p: PairInput, key: SelectionInput['adversarialAnchorKey']): Int32Array {
  const out = new Int32Array(p.n);
  for (let i = 0; i < p.n; i++) out[i] = key === 'paper' && i >= p.b ? p.preds[i - p.b] : p.preds[i];
  return out;
}

/** Index of row i's counterpart: x_i^a for a benign row, x_i for an adversarial one. */
export function counterpartOf(i: number, b: number): number {
  return i < b ? i + b : i - b;
}

/**
 * Builds [2B, 2B] 0/1 float32 masks from a per-pair rule; the diagonal (the anchor itself) is
 * never asked and stays 0. rule returns 1 = positive, -1 = negative, 0 = neither.
 */
export function buildMasks(p: PairInput, rule: (i: number, j: number) => 1 | -1 | 0): SelectionMasks {
  const { n } = p;
  const pos = new Float32Array(n * n);
  const neg = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    const row = i * n;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const r = rule(i, j);
      if (r === 1) pos[row + j] = 1;
      else if (r === -1) neg[row + j] = 1;
    }
  }
  return { positive: tf.tensor2d(pos, [n, n], 'float32'), negative: tf.tensor2d(neg, [n, n], 'float32') };
}
