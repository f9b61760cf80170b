import type { SelectionInput, SelectionMasks, SelectionStrategy } from './selection.js';
import { buildMasks, readSelectionInput } from './pairs.js';

/**
 * Soft Local Selection (Table 1, Soft-LS): Global's positives; of the different-label latents only
 * those predicted as the anchor's PREDICTED label (p_j = p_i) stay negatives.
 */
export const softLocalSelection: SelectionStrategy = {
  name: 'soft',
  masks(input: SelectionInput): SelectionMasks {
    const p = readSelectionInput('softLocalSelection', input);
    const { labels: y, preds: q } = p;
    return buildMasks(p, (i, j) => (y[j] === y[i] ? 1 : q[j] === q[i] ? -1 : 0));
  },
};
