/**
 * The CIFAR ResNets of the paper: a 3x3 stem conv + BN + ReLU (no max-pool), residual stages,
 * global average pooling (= latent z, the input of the last FC), FC K.
 *   resnet20: 16-channel stem, BasicBlock x [3, 3, 3] with 16/32/64 planes (He et al. 2016,
 *             Section 4.2), latent 64, about 0.27 M parameters.
 *   resnet50: 64-channel stem, Bottleneck x [3, 4, 6, 3] with 64/128/256/512 planes (authors'
 *             resnet.py), latent 2048, about 23.5 M parameters.
 * Shortcuts are projections where shapes change (option B, see resnet-blocks.ts).
 *
 * `spec.resnetSetting` (default `pytorch`; runs pass config.resnetSetting, default `pang2019`):
 * `pang2019` is [29]'s Keras resnet_v1 (model.py): for resnet20 exactly its depth-20 network (274,442
 * parameters with the batch-norm statistics, as Keras counts), he_normal dense layer with zero bias,
 * and `regularization()` = 1e-4 * sum of squares of every convolution kernel (Keras' l2(1e-4), added
 * to the loss; the dense layer and batch norm are not regularised). [29] has no ResNet50; for resnet50
 * the same Keras conventions are carried over to the bottleneck layout (an extrapolation).
 */
import { tf } from '../tf.js';
import type { ModelName } from '../../shared/options.js';
import type { ClassifierModel, ForwardOptions, ModelFactory, ModelOutput, ModelSpec } from './model.js';
import { ParamStore } from './params.js';
import { dense, denseParams, project, projectionParams, tidyOutput } from './layers.js';
import { applyBlock, applyConvBn, convBn, convKernels, makeStages } from './resnet-blocks.js';

/** [29]'s kernel_regularizer=l2(1e-4) on every convolution. */
export const PANG2019_CONV_L2 = 1e-4;

interface ResNetConfig { name: Extract<ModelName, 'resnet20' | 'resnet50'>; kind: 'basic' | 'bottleneck'; stem: number; planes: number[]; counts: number[] }

export function createResNet(cfg: ResNetConfig, spec: ModelSpec): ClassifierModel {
  const [h, w, c] = spec.inputShape;
  const down = 2 ** (cfg.planes.length - 1);
  if (h < down || w < down) throw new Error(`create ${cfg.name}: input ${JSON.stringify(spec.inputShape)} is smaller than its downsampling (${down})`);
  const setting = spec.resnetSetting ?? 'pytorch';
  if (setting !== 'pang2019' && setting !== 'pytorch') throw new Error(`create ${cfg.name}: resnetSetting must be 'pang2019' or 'pytorch', got ${JSON.stringify(setting)}`);
  const store = new ParamStore(cfg.name, spec.seed);
  const stem = convBn(store, setting, 'stem', 3, c, cfg.stem, 1);
  const blocks = makeStages(store, setting, cfg.kind, cfg.stem, cfg.planes, cfg.counts);
  const latentDim = blocks[blocks.length - 1].outChannels;
  const fc = denseParams(store, 'fc', latentDim, spec.numClasses, true, setting === 'pang2019' ? 'he-normal' : 'pytorch');
  const kernels = [stem.conv.kernel, ...convKernels(blocks)];
  const head = projectionParams(store, spec.projectionHead, latentDim);

  return {
    name: cfg.name,
    numClasses: spec.numClasses,
    latentDim,
    inputShape: spec.inputShape,
    projectionHead: spec.projectionHead,
    forward(x: tf.Tensor4D, options: ForwardOptions): ModelOutput {
      return tidyOutput(() => {
        let y = tf.relu(applyConvBn(x, stem, options.training)); // [B, H, W, stem]
        for (const b of blocks) y = applyBlock(y, b, options.training);
        const latent = tf.mean(y, [1, 2]) as tf.Tensor2D;       // [B, latentDim]
        const logits = dense(latent, fc);                        // [B, K]
        return { logits, latent, projection: project(latent, head) };
      });
    },
    ...(setting === 'pang2019' ? {
      // Keras l2(1e-4): 1e-4 * sum(W^2) per convolution kernel, summed into the loss.
      regularization: (): tf.Scalar => tf.tidy(() => tf.mul(tf.addN(kernels.map((k) => tf.sum(tf.square(k)))), PANG2019_CONV_L2) as tf.Scalar),
    } : {}),
    trainableVariables: () => store.trainableVariables(),
    stateVariables: () => store.stateVariables(),
    dispose: () => store.dispose(),
  };
}

export const resnet20Factory: ModelFactory = {
  name: 'resnet20',
  create: (spec) => createResNet({ name: 'resnet20', kind: 'basic', stem: 16, planes: [16, 32, 64], counts: [3, 3, 3] }, spec),
};

export const resnet50Factory: ModelFactory = {
  name: 'resnet50',
  create: (spec) => createResNet({ name: 'resnet50', kind: 'bottleneck', stem: 64, planes: [64, 128, 256, 512], counts: [3, 4, 6, 3] }, spec),
};
