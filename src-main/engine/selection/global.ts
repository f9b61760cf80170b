import { tf } from '../tf.js';
import type { SelectionInput, SelectionMasks, SelectionStrategy } from './selection.js';
import { checkSelectionInput, differentLabel, sameLabelPositives } from './pairs.js';

/**
 * Global selection (Table 1, row 1; the plain SCL of eqs. 1-3): every other latent of the batch
 * with the anchor's label is a positive, every latent with another label a negative.
 */
export const globalSelection: SelectionStrategy = {
  name: 'global',
  masks({ labels, preds }: SelectionInput): SelectionMasks {
    checkSelectionInput('globalSelection', labels, preds);
    return tf.tidy(() => ({ positive: sameLabelPositives(labels), negative: differentLabel(labels) }));
  },
};
