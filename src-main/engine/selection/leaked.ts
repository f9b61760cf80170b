import { tf } from '../tf.js';
import type { SelectionInput, SelectionMasks, SelectionStrategy } from './selection.js';
import { checkSelectionInput, counterpartMask, differentLabel, pairwiseEqual, sameLabelPositives } from './pairs.js';

/**
 * Leaked Local Selection (Table 1, Leaked-LS): positives are the same-label latents predicted as the
 * anchor's prediction (p_j = p_i), negatives the different-label latents predicted as the anchor's
 * prediction.
 *
 * The anchor's own counterpart (x_i^a for x_i and vice versa):
 * - `paper` (default): always a positive. Section 3.2: "each anchor x_i and its adversarial example
 *   x_i^a are always pulled close together", and eqs. 1-2 keep z_i^a outside Z_i^+.
 * - `code`: as the authors' `soft_lcscl(neg_type='leaking')` (contrastive_losses_v2.py): a positive
 *   only when its prediction matches the anchor's; otherwise it is neither a positive nor a negative
 *   (left out of the softmax's denominator too). ../shared/golden/README.md lists both variants.
 */
export const leakedLocalSelection: SelectionStrategy = {
  name: 'leaked',
  masks({ labels, preds, leakedCounterpart }: SelectionInput): SelectionMasks {
    checkSelectionInput('leakedLocalSelection', labels, preds);
    if (leakedCounterpart !== 'paper' && leakedCounterpart !== 'code') {
      throw new Error(`leakedLocalSelection: leakedCounterpart must be 'paper' or 'code', got ${JSON.stringify(leakedCounterpart)}`);
    }
    return tf.tidy(() => {
      const samePred = pairwiseEqual(preds, preds); // [2B, 2B]
      let positive = tf.mul(sameLabelPositives(labels), samePred) as tf.Tensor2D;
      if (leakedCounterpart === 'paper') positive = tf.maximum(positive, counterpartMask(labels.shape[0])) as tf.Tensor2D;
      return { positive, negative: tf.mul(differentLabel(labels), samePred) as tf.Tensor2D };
    });
  },
};
