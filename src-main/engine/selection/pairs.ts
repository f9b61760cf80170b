import { tf } from '../tf.js';
import type { SelectionInput, SelectionMasks } from './selection.js';

/**
 * Shared plumbing of the selection strategies of Table 1. The masks depend only on 2B integer
 * labels and argmax predictions, so they are built in plain JS loops (65k pairs for a batch of 128:
 * well under a millisecond, where broadcast `equal` ops cost several ms on the wasm backend) and
 * uploaded as constants: no gradient can reach them.
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

/** Reads and checks a SelectionInput, naming the strategy that received it. */
export function readSelectionInput(where: string, { labels, preds, adversarialAnchorKey }: SelectionInput): PairInput {
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
  // One read for both: [labels; preds] [4B] int32.
  const both = tf.concat([labels, preds]);
  // eslint-disable-next-line no-restricted-properties -- in-tape: selection masks are built inside the loss, in the tf.variableGrads tape (synchronous), from the argmax predictions of that same forward pass
  const v = both.dataSync() as Int32Array;
  both.dispose();
  return { labels: v.subarray(0, n), preds: v.subarray(n, 2 * n), n, b: n / 2 };
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
