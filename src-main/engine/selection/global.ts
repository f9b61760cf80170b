import type { SelectionInput, SelectionMasks, SelectionStrategy } from './selection.js';
import { buildMasks, readSelectionInput } from './pairs.js';

/**
 * Global selection (Table 1, row 1; the plain SCL of eqs. 1-3): every other latent of the batch
 * with the anchor's label is a positive, every latent with another label a negative.
 */
export const globalSelection: SelectionStrategy = {
  name: 'global',
  masks(input: SelectionInput): SelectionMasks {
    const p = readSelectionInput('globalSelection', input);
    const y = p.labels;
    return buildMasks(p, (i, j) => (y[j] === y[i] ? 1 : -1));
  },
};
