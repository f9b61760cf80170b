import type { SelectionInput, SelectionMasks, SelectionStrategy } from './selection.js';
import { tf } from '../tf.js';
import { selectMasks } from './pairs.js';

/**
 * Global selection (Table 1, row 1; the plain SCL of eqs. 1-3): every other latent of the batch
 * with the anchor's label is a positive, every latent with another label a negative.
 */
export const globalSelection: SelectionStrategy = {
  name: 'global',
  masks(input: SelectionInput): SelectionMasks {
    return selectMasks('globalSelection', input, ({ labels: y }) => (i, j) => (y[j] === y[i] ? 1 : -1),
      (t) => ({ positive: t.sameLabel, negative: tf.logicalNot(t.sameLabel) }));
  },
};
