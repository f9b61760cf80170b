import { tf } from '../tf.js';

/**
 * Pairwise 0/1 masks over the 2B latents (rows = anchors i, columns = candidates j), shared by the
 * selection strategies of Table 1. Built from int32 labels/predictions only, so no gradient can
 * reach them; callers run them inside their own tf.tidy.
 */

/** [n, n] float32: 1 where a[i] == b[j]. a, b: [n] int32. */
export function pairwiseEqual(a: tf.Tensor1D, b: tf.Tensor1D): tf.Tensor2D {
  return tf.tidy(() => tf.cast(tf.equal(tf.expandDims(a, 1), tf.expandDims(b, 0)), 'float32') as tf.Tensor2D);
}

/** [n, n] float32 identity: the anchor itself, never a positive nor a negative. */
export function selfMask(n: number): tf.Tensor2D {
  return tf.eye(n, n, undefined, 'float32') as tf.Tensor2D;
}

/**
 * [2B, 2B] float32: 1 where j is i's counterpart (row i+B for a benign row i, row i-B for an
 * adversarial row i), i.e. the anchor's own transformation x_i^a of eqs. 1-2.
 */
export function counterpartMask(n: number): tf.Tensor2D {
  if (n % 2 !== 0) throw new Error(`counterpartMask: expected an even number of latents (2B), got ${n}`);
  return tf.tidy(() => {
    const b = n / 2;
    const eyeB = tf.eye(b, b, undefined, 'float32');
    const zeros = tf.zerosLike(eyeB);
    // [[0, I], [I, 0]]
    return tf.concat([tf.concat([zeros, eyeB], 1), tf.concat([eyeB, zeros], 1)], 0) as tf.Tensor2D;
  });
}

/** Positives of Global selection (Table 1): same true label, the anchor excluded. [2B, 2B] */
export function sameLabelPositives(labels: tf.Tensor1D): tf.Tensor2D {
  return tf.tidy(() => tf.sub(pairwiseEqual(labels, labels), selfMask(labels.shape[0])) as tf.Tensor2D);
}

/** Different true label (the diagonal is 0 since a row always shares its own label). [2B, 2B] */
export function differentLabel(labels: tf.Tensor1D): tf.Tensor2D {
  return tf.tidy(() => tf.sub(1, pairwiseEqual(labels, labels)) as tf.Tensor2D);
}

/** Checks the SelectionInput shapes once, naming the strategy that received them. */
export function checkSelectionInput(where: string, labels: tf.Tensor1D, preds: tf.Tensor1D): void {
  if (labels.rank !== 1 || preds.rank !== 1 || labels.shape[0] !== preds.shape[0]) {
    throw new Error(`${where}: labels and preds must both be [2B], got ${JSON.stringify(labels.shape)} and ${JSON.stringify(preds.shape)}`);
  }
  if (labels.shape[0] % 2 !== 0 || labels.shape[0] < 2) {
    throw new Error(`${where}: expected 2B rows (benign then adversarial), got ${labels.shape[0]}`);
  }
  if (labels.dtype !== 'int32' || preds.dtype !== 'int32') {
    throw new Error(`${where}: labels and preds must be int32, got ${labels.dtype} and ${preds.dtype}`);
  }
}
