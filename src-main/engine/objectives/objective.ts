import type { tf } from '../tf.js';
import type { DefenseName } from '../../shared/options.js';
import type { RunConfig } from '../../shared/run-config.js';
import type { ClassifierModel } from '../models/model.js';
import type { Rng } from '../rng.js';
import type { TermName } from '../../shared/terms.js';

export interface ObjectiveContext {
  model: ClassifierModel;
  config: RunConfig;
  /** Effective attack budget (dataset defaults resolved). */
  eps: number;
  stepSize: number;
  rng: Rng;
  epoch: number;
  step: number;
  /**
   * The data pipeline's random augmentation (flip + shift), drawn from the run's Rng: the `scl`
   * objective's second view. Optional; objectives that need it fail clearly without it.
   */
  augment?: (x: tf.Tensor4D) => tf.Tensor4D;
  /**
   * Set by the training step when a query anchor (Figure 8) is in the batch: receives the selection
   * masks [2B, 2B] (0/1) of the contrastive term as tensors and owns them from then on (the step
   * reads them after the tape with the step's other values and disposes them).
   */
  onSelectionMasks?: (positive: tf.Tensor2D, negative: tf.Tensor2D) => void;
}

/** Tensors a loss needs besides the batch itself, built outside the gradient tape. */
export interface PreparedBatch {
  x: tf.Tensor4D;
  /** [B] int32 */
  y: tf.Tensor1D;
  /** Adversarial (or second-view) examples, [B, H, W, C]. */
  xAdv: tf.Tensor4D | null;
}

/** Receives one named scalar term of the step (kept by the trainer for logging); names from shared/terms.ts. */
export type RecordTerm = (name: TermName, value: tf.Scalar) => void;

/**
 * A training objective (a `--defense`), one per file, registered by name.
 * prepare: no weight gradients (the adversary); loss: inside the tape, returns the scalar to
 * minimise and reports named scalar terms through `record` (kept by the trainer for logging).
 */
export interface Objective {
  name: DefenseName;
  prepare(ctx: ObjectiveContext, x: tf.Tensor4D, y: tf.Tensor1D): PreparedBatch;
  loss(ctx: ObjectiveContext, batch: PreparedBatch, record: RecordTerm): tf.Scalar;
}
