/**
 * `cnn`, the paper's "standard CNN" (Section 4.1, supplementary 6): 4 conv + 3 FC layers as in
 * Carlini & Wagner 2017's CIFAR model (and the authors' `small_cnn.py` Cifar10 class):
 * conv3x3 64, conv3x3 64, maxpool 2, conv3x3 128, conv3x3 128, maxpool 2 (all 'valid', ReLU),
 * flatten, FC 256 + ReLU, FC 256 + ReLU (= latent z, the layer the last FC reads, supp. 6),
 * FC K. On 32x32 inputs the flatten has 5*5*128 = 3200 values.
 * Not reproduced: C&W's Dropout(0.5) after the first FC (the paper does not mention it, and
 * it would make PGD and the latent analysis stochastic).
 */
import { tf } from '../tf.js';
import type { ClassifierModel, ForwardOptions, ModelFactory, ModelOutput, ModelSpec } from './model.js';
import { ParamStore } from './params.js';
import { conv2d, conv2dParams, dense, denseParams, flatten, maxPool2, project, projectionParams, tidyOutput } from './layers.js';

export function createCnn(spec: ModelSpec): ClassifierModel {
  const [h, w, c] = spec.inputShape;
  const side = (n: number): number => Math.floor((Math.floor((n - 4) / 2) - 4) / 2); // two valid convs, pool, twice
  if (side(h) < 1 || side(w) < 1) throw new Error(`createCnn: input ${JSON.stringify(spec.inputShape)} is too small (needs at least 14x14)`);
  const store = new ParamStore('cnn', spec.seed);
  const convs = [
    conv2dParams(store, 'conv1', 3, c, 64, { pad: 0 }),
    conv2dParams(store, 'conv2', 3, 64, 64, { pad: 0 }),
    conv2dParams(store, 'conv3', 3, 64, 128, { pad: 0 }),
    conv2dParams(store, 'conv4', 3, 128, 128, { pad: 0 }),
  ];
  const dense1 = denseParams(store, 'dense1', side(h) * side(w) * 128, 256);
  const dense2 = denseParams(store, 'dense2', 256, 256);
  const dense3 = denseParams(store, 'dense3', 256, spec.numClasses);
  const head = projectionParams(store, spec.projectionHead, 256);

  return {
    name: 'cnn',
    numClasses: spec.numClasses,
    latentDim: 256,
    inputShape: spec.inputShape,
    projectionHead: spec.projectionHead,
    forward(x: tf.Tensor4D, _options: ForwardOptions): ModelOutput {
      return tidyOutput(() => {
        let y = tf.relu(conv2d(x, convs[0]));          // [B, 30, 30, 64]
        y = maxPool2(tf.relu(conv2d(y, convs[1])));    // [B, 14, 14, 64]
        y = tf.relu(conv2d(y, convs[2]));              // [B, 12, 12, 128]
        y = maxPool2(tf.relu(conv2d(y, convs[3])));    // [B, 5, 5, 128]
        const hidden = tf.relu(dense(flatten(y), dense1)); // [B, 256]
        const latent = tf.relu(dense(hidden, dense2));     // [B, 256]
        const logits = dense(latent, dense3);              // [B, K]
        return { logits, latent, projection: project(latent, head) };
      });
    },
    trainableVariables: () => store.trainableVariables(),
    stateVariables: () => store.stateVariables(),
    dispose: () => store.dispose(),
  };
}

export const cnnFactory: ModelFactory = { name: 'cnn', create: createCnn };
