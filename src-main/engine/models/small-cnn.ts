/**
 * `small-cnn`, the benchmark's small CNN and the architecture of
 * the reference CNN (test/fixtures/reference-model/cifar10-cnn-pgdat): conv3x3 32 (same) + ReLU, maxpool 2,
 * conv3x3 64 (same) + ReLU, maxpool 2, flatten (NHWC order), dense 128 + ReLU (= latent z),
 * dense K. Weight names equal the reference LayersModel's (`conv1/kernel`, ..., `dense2/bias`),
 * so its weights load with `setNamedWeights`.
 */
import { tf } from '../tf.js';
import type { ClassifierModel, ForwardOptions, ModelFactory, ModelOutput, ModelSpec } from './model.js';
import { ParamStore } from './params.js';
import { tidyOutput, conv2d, conv2dParams, dense, denseParams, flatten, maxPool2, project, projectionParams } from './layers.js';

export function createSmallCnn(spec: ModelSpec): ClassifierModel {
  const [h, w, c] = spec.inputShape;
  const store = new ParamStore('small-cnn', spec.seed);
  const conv1 = conv2dParams(store, 'conv1', 3, c, 32);
  const conv2 = conv2dParams(store, 'conv2', 3, 32, 64);
  const flatDim = Math.floor(Math.floor(h / 2) / 2) * Math.floor(Math.floor(w / 2) / 2) * 64;
  if (flatDim === 0) throw new Error(`createSmallCnn: input ${JSON.stringify(spec.inputShape)} is too small (needs at least 4x4)`);
  const dense1 = denseParams(store, 'dense1', flatDim, 128);
  const dense2 = denseParams(store, 'dense2', 128, spec.numClasses);
  const head = projectionParams(store, spec.projectionHead, 128);

  return {
    name: 'small-cnn',
    numClasses: spec.numClasses,
    latentDim: 128,
    inputShape: spec.inputShape,
    projectionHead: spec.projectionHead,
    forward(x: tf.Tensor4D, _options: ForwardOptions): ModelOutput {
      return tidyOutput(() => {
        let y = maxPool2(tf.relu(conv2d(x, conv1)));  // [B, H/2, W/2, 32]
        y = maxPool2(tf.relu(conv2d(y, conv2)));      // [B, H/4, W/4, 64]
        const latent = tf.relu(dense(flatten(y), dense1)); // [B, 128]
        const logits = dense(latent, dense2);              // [B, K]
        return { logits, latent, projection: project(latent, head) };
      });
    },
    trainableVariables: () => store.trainableVariables(),
    stateVariables: () => store.stateVariables(),
    dispose: () => store.dispose(),
  };
}

export const smallCnnFactory: ModelFactory = { name: 'small-cnn', create: createSmallCnn };
