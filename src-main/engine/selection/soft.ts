import type { SelectionInput, SelectionMasks, SelectionStrategy } from './selection.js';
import { anchorKeyFor, buildMasks, readSelectionInput } from './pairs.js';

/**
 * Soft Local Selection (Table 1, Soft-LS): Global's positives; of the different-label latents only
 * those predicted as the anchor's PREDICTED label (p_j = p_i) stay negatives. For an adversarial
 * anchor x_i^a the key is p_i (`adversarialAnchorKey: paper`, Table 1 / eq. 2) or p_i^a (`code`),
 * see anchorKeyFor.
 */
export const softLocalSelection: SelectionStrategy = {
  name: 'soft',
  masks(input: SelectionInput): SelectionMasks {
    const p = readSelectionInput('softLocalSelection', input);
    const { labels: y, preds: q } = p;
    const key = anchorKeyFor(p, input.adversarialAnchorKey);
    return buildMasks(p, (i, j) => (y[j] === y[i] ? 1 : q[j] === key[i] ? -1 : 0));
  },
};
