import type { tf } from '../tf.js';
import type { LatentChoice, ModelName, ProjectionHead, ResnetSetting } from '../../shared/options.js';

export interface ForwardOptions {
  /**
   * true: batch norm uses batch statistics and updates its running statistics (PyTorch
   * momentum 0.1) as a side effect; false: inference mode, running statistics frozen.
   */
  training: boolean;
}

export interface ModelOutput {
  /** [B, numClasses] */
  logits: tf.Tensor2D;
  /** [B, D] the latent z (the penultimate layer, or the conv features: ModelSpec.latent). */
  latent: tf.Tensor2D;
  /** [B, 128] the projection head's output, or null without a head (supplementary 8.1). */
  projection: tf.Tensor2D | null;
}

/** A classifier that exposes its latent space; implemented with raw tfjs ops and variables. */
export interface ClassifierModel {
  readonly name: ModelName | 'external';
  readonly numClasses: number;
  readonly latentDim: number;
  /** [height, width, channels] */
  readonly inputShape: [number, number, number];
  readonly projectionHead: ProjectionHead;
  /** x: [B, H, W, C] in [0, 1]. */
  forward(x: tf.Tensor4D, options: ForwardOptions): ModelOutput;
  /** Variables trained by the optimiser, with stable unique names. */
  trainableVariables(): tf.Variable[];
  /** Non-trainable state saved in checkpoints (batch-norm running statistics). */
  stateVariables(): tf.Variable[];
  /**
   * The model's own loss terms, added to the objective inside the gradient tape (Keras' layer
   * losses): [29]'s L2 1e-4 * sum W^2 over every convolution kernel for `resnetSetting: pang2019`.
   * Absent when the model has none.
   */
  regularization?: () => tf.Scalar;
  dispose(): void;
}

export interface ModelSpec {
  inputShape: [number, number, number];
  numClasses: number;
  projectionHead: ProjectionHead;
  seed: number;
  /**
   * `small-cnn` and `cnn` only: batch norm after every conv and hidden dense layer (conv-unit.ts).
   * Absent = false, the architecture as published. The ResNets always have batch norm.
   */
  batchNorm?: boolean;
  /** `small-cnn` and `cnn` only: which activation is the latent z (options.ts LATENTS). Absent = `penultimate`. */
  latent?: LatentChoice;
  /** ResNets only: [29]'s Keras setting or the PyTorch layout (see RESNET_SETTINGS). Default `pytorch`. */
  resnetSetting?: ResnetSetting;
}

/** One model per file, registered by name in ./index.ts. */
export interface ModelFactory {
  name: ModelName;
  create(spec: ModelSpec): ClassifierModel;
}

/** (x [B,H,W,C]) => logits [B, K]: what attacks see of a model. */
export type LogitsFn = (x: tf.Tensor4D) => tf.Tensor2D;
