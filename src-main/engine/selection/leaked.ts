import type { SelectionInput, SelectionMasks, SelectionStrategy } from './selection.js';
import { tf } from '../tf.js';
import { anchorKeyFor, anchorKeyTensor, counterpartOf, rowEqualsColumn, selectMasks } from './pairs.js';

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
 *   (left out of the softmax's denominator too), i.e. the counterpart is treated as any other
 *   same-label latent. test/fixtures/golden/README.md lists both variants.
 *
 * Whose prediction is "the anchor's prediction" for an adversarial anchor x_i^a
 * (`adversarialAnchorKey`, see anchorKeyFor): p_i (`paper`: Table 1 is stated for the anchor x_i,
 * and eq. 2 uses x_i's sets for x_i^a) or p_i^a (`code`). The two options combine as:
 * - paper + paper: Table 1 and eqs. 1-2 literally (the default);
 * - code + code: the authors' soft_lcscl(neg_type='leaking') (the golden values' `leaked`);
 * - counterpart paper + key code: the golden values' `leaked_paper` (this project's earlier default);
 * - counterpart code + key paper: x_i^a keeps x_i (whose prediction is the key p_i) always; x_i keeps
 *   x_i^a only when p_i^a = p_i.
 */
export const leakedLocalSelection: SelectionStrategy = {
  name: 'leaked',
  masks(input: SelectionInput): SelectionMasks {
    const { leakedCounterpart } = input;
    if (leakedCounterpart !== 'paper' && leakedCounterpart !== 'code') {
      throw new Error(`leakedLocalSelection: leakedCounterpart must be 'paper' or 'code', got ${JSON.stringify(leakedCounterpart)}`);
    }
    const always = leakedCounterpart === 'paper';
    return selectMasks('leakedLocalSelection', input, (p) => {
      const { labels: y, preds: q, b } = p;
      const key = anchorKeyFor(p, input.adversarialAnchorKey);
      return (i, j) => {
        if (always && j === counterpartOf(i, b)) return 1;
        if (q[j] !== key[i]) return 0;
        return y[j] === y[i] ? 1 : -1;
      };
    }, (t) => {
      const keyed = rowEqualsColumn(anchorKeyTensor(t, input.adversarialAnchorKey), t.preds); // q_j = key_i
      const positive = tf.logicalAnd(keyed, t.sameLabel);
      const negative = tf.logicalAnd(keyed, tf.logicalNot(t.sameLabel));
      if (!always) return { positive, negative };
      return { positive: tf.logicalOr(positive, t.counterpart), negative: tf.logicalAnd(negative, tf.logicalNot(t.counterpart)) };
    });
  },
};
