import { tf } from '../tf.js';
import type { SelectionInput, SelectionMasks, SelectionStrategy } from './selection.js';
import { checkSelectionInput, differentLabel, pairwiseEqual, sameLabelPositives } from './pairs.js';

/**
 * Hard Local Selection (Table 1, Hard-LS): Global's positives; of the different-label latents only
 * those predicted as the anchor's TRUE label (p_j = y_i, resp. p_j^a = y_i) stay negatives.
 */
export const hardLocalSelection: SelectionStrategy = {
  name: 'hard',
  masks({ labels, preds }: SelectionInput): SelectionMasks {
    checkSelectionInput('hardLocalSelection', labels, preds);
    return tf.tidy(() => ({
      positive: sameLabelPositives(labels),
      // [i, j] = [y_j != y_i] * [p_j == y_i]
      negative: tf.mul(differentLabel(labels), pairwiseEqual(labels, preds)) as tf.Tensor2D,
    }));
  },
};
