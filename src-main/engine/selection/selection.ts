import type { tf } from '../tf.js';
import type { AdversarialAnchorKey, LeakedCounterpart, SelectionName } from '../../shared/options.js';

/**
 * Inputs of a selection strategy (Table 1) over the 2B latents of a benign batch and its
 * adversarial counterparts: rows 0..B-1 benign, rows B..2B-1 adversarial (row i+B is row i's counterpart).
 */
export interface SelectionInput {
  /** [2B] int32 true labels (label of row i+B equals that of row i). */
  labels: tf.Tensor1D;
  /** [2B] int32 predicted labels (argmax of the classifier, no gradient). */
  preds: tf.Tensor1D;
  leakedCounterpart: LeakedCounterpart;
  /** Soft-LS / Leaked-LS: an adversarial anchor's sets keyed on p_i (`paper`) or p_i^a (`code`). */
  adversarialAnchorKey: AdversarialAnchorKey;
}

/** 0/1 float32 masks, [2B, 2B]; the diagonal (an anchor with itself) is always 0. */
export interface SelectionMasks {
  positive: tf.Tensor2D;
  negative: tf.Tensor2D;
}

export interface SelectionStrategy {
  name: SelectionName;
  masks(input: SelectionInput): SelectionMasks;
}
