import type { SelectionInput, SelectionMasks, SelectionStrategy } from './selection.js';
import { tf } from '../tf.js';
import { anchorKeyFor, anchorKeyTensor, rowEqualsColumn, selectMasks } from './pairs.js';

/**
 * Soft Local Selection (Table 1, Soft-LS): Global's positives; of the different-label latents only
 * those predicted as the anchor's PREDICTED label (p_j = p_i) stay negatives. For an adversarial
 * anchor x_i^a the key is p_i (`adversarialAnchorKey: paper`, Table 1 / eq. 2) or p_i^a (`code`),
 * see anchorKeyFor.
 */
export const softLocalSelection: SelectionStrategy = {
  name: 'soft',
  masks(input: SelectionInput): SelectionMasks {
    return selectMasks('softLocalSelection', input, (p) => {
      const { labels: y, preds: q } = p;
      const key = anchorKeyFor(p, input.adversarialAnchorKey);
      return (i, j) => (y[j] === y[i] ? 1 : q[j] === key[i] ? -1 : 0);
    }, (t) => ({
      positive: t.sameLabel,
      negative: tf.logicalAnd(tf.logicalNot(t.sameLabel), rowEqualsColumn(anchorKeyTensor(t, input.adversarialAnchorKey), t.preds)),
    }));
  },
};
