import type { SelectionInput, SelectionMasks, SelectionStrategy } from './selection.js';
import { tf } from '../tf.js';
import { rowEqualsColumn, selectMasks } from './pairs.js';

/**
 * Hard Local Selection (Table 1, Hard-LS): Global's positives; of the different-label latents only
 * those predicted as the anchor's TRUE label (p_j = y_i, resp. p_j^a = y_i) stay negatives.
 */
export const hardLocalSelection: SelectionStrategy = {
  name: 'hard',
  masks(input: SelectionInput): SelectionMasks {
    return selectMasks('hardLocalSelection', input, ({ labels: y, preds: q }) => (i, j) => (y[j] === y[i] ? 1 : q[j] === y[i] ? -1 : 0),
      (t) => ({ positive: t.sameLabel, negative: tf.logicalAnd(tf.logicalNot(t.sameLabel), rowEqualsColumn(t.labels, t.preds)) }));
  },
};
