/**
 * `small-cnn`, the benchmark's small CNN and the architecture of
 * the reference CNN (test/fixtures/reference-model/cifar10-cnn-pgdat): conv3x3 32 (same) + ReLU, maxpool 2,
 * conv3x3 64 (same) + ReLU, maxpool 2, flatten (NHWC order), dense 128 + ReLU, dense K.
 * Without batch norm the weight names equal the reference LayersModel's (`conv1/kernel`, ...,
 * `dense2/bias`), so its weights load with `setNamedWeights`. With `spec.batchNorm` each conv and
 * dense1 is followed by batch norm before its ReLU (conv-unit.ts).
 * Latent z (`spec.latent`): `penultimate` = dense1's post-ReLU output [B, 128]; `features` = the
 * flattened conv features [B, H/4 * W/4 * 64] (3136 on MNIST, 4096 on CIFAR).
 */
import { tf } from '../tf.js';
import type { ClassifierModel, ForwardOptions, ModelFactory, ModelOutput, ModelSpec } from './model.js';
import { ParamStore } from './params.js';
import { tidyOutput, dense, denseParams, flatten, maxPool2, project, projectionParams } from './layers.js';
import { applyConvUnit, applyDenseUnit, convUnit, denseUnit } from './conv-unit.js';

export function createSmallCnn(spec: ModelSpec): ClassifierModel {
  const [h, w, c] = spec.inputShape;
  const bn = spec.batchNorm ?? false;
  const latentChoice = spec.latent ?? 'penultimate';
  const store = new ParamStore('small-cnn', spec.seed);
  const conv1 = convUnit(store, 'conv1', 3, c, 32, bn);
  const conv2 = convUnit(store, 'conv2', 3, 32, 64, bn);
  const flatDim = Math.floor(Math.floor(h / 2) / 2) * Math.floor(Math.floor(w / 2) / 2) * 64;
  if (flatDim === 0) throw new Error(`createSmallCnn: input ${JSON.stringify(spec.inputShape)} is too small (needs at least 4x4)`);
  const dense1 = denseUnit(store, 'dense1', flatDim, 128, bn);
  const dense2 = denseParams(store, 'dense2', 128, spec.numClasses);
  const latentDim = latentChoice === 'features' ? flatDim : 128;
  const head = projectionParams(store, spec.projectionHead, latentDim);

  return {
    name: 'small-cnn',
    numClasses: spec.numClasses,
    latentDim,
    inputShape: spec.inputShape,
    projectionHead: spec.projectionHead,
    forward(x: tf.Tensor4D, options: ForwardOptions): ModelOutput {
      return tidyOutput(() => {
        let y = maxPool2(applyConvUnit(x, conv1, options.training)); // [B, H/2, W/2, 32]
        y = maxPool2(applyConvUnit(y, conv2, options.training));     // [B, H/4, W/4, 64]
        const features = flatten(y);                                   // [B, flatDim]
        const hidden = applyDenseUnit(features, dense1, options.training); // [B, 128]
        const logits = dense(hidden, dense2);                          // [B, K]
        const latent = latentChoice === 'features' ? features : hidden;
        return { logits, latent, projection: project(latent, head) };
      });
    },
    trainableVariables: () => store.trainableVariables(),
    stateVariables: () => store.stateVariables(),
    dispose: () => store.dispose(),
  };
}

export const smallCnnFactory: ModelFactory = { name: 'small-cnn', create: createSmallCnn };
