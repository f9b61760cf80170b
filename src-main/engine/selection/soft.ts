import { tf } from '../tf.js';
import type { SelectionInput, SelectionMasks, SelectionStrategy } from './selection.js';
import { checkSelectionInput, differentLabel, pairwiseEqual, sameLabelPositives } from './pairs.js';

/**
 * Soft Local Selection (Table 1, Soft-LS): Global's positives; of the different-label latents only
 * those predicted as the anchor's PREDICTED label (p_j = p_i) stay negatives.
 */
export const softLocalSelection: SelectionStrategy = {
  name: 'soft',
  masks({ labels, preds }: SelectionInput): SelectionMasks {
    checkSelectionInput('softLocalSelection', labels, preds);
    return tf.tidy(() => ({
      positive: sameLabelPositives(labels),
      // [i, j] = [y_j != y_i] * [p_j == p_i]
      negative: tf.mul(differentLabel(labels), pairwiseEqual(preds, preds)) as tf.Tensor2D,
    }));
  },
};
