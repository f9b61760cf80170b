/**
 * `cnn`, the paper's "standard CNN" (Section 4.1, supplementary 6): 4 conv + 3 FC layers as in
 * Carlini & Wagner 2017's CIFAR model (and the authors' `small_cnn.py` Cifar10 class):
 * conv3x3 64, conv3x3 64, maxpool 2, conv3x3 128, conv3x3 128, maxpool 2 (all 'valid', ReLU),
 * flatten, FC 256 + ReLU, FC 256 + ReLU, FC K. On 32x32 inputs the flatten has 5*5*128 = 3200 values.
 * The faithful C&W model is `batchNorm: false, latent: 'penultimate'`; with `spec.batchNorm` every
 * conv and hidden FC is followed by batch norm before its ReLU (conv-unit.ts).
 * Latent z (`spec.latent`): `penultimate` = the second FC's post-ReLU output [B, 256] (the layer the
 * last FC reads, supp. 6); `features` = the flattened conv features [B, 3200] (the authors' code).
 * Not reproduced: C&W's Dropout(0.5) after the first FC (the paper does not mention it, and
 * it would make PGD and the latent analysis stochastic).
 */
import { tf } from '../tf.js';
import type { ClassifierModel, ForwardOptions, ModelFactory, ModelOutput, ModelSpec } from './model.js';
import { ParamStore } from './params.js';
import { dense, denseParams, flatten, maxPool2, project, projectionParams, tidyOutput } from './layers.js';
import { applyConvUnit, applyDenseUnit, convUnit, denseUnit } from './conv-unit.js';

export function createCnn(spec: ModelSpec): ClassifierModel {
  const [h, w, c] = spec.inputShape;
  const side = (n: number): number => Math.floor((Math.floor((n - 4) / 2) - 4) / 2); // two valid convs, pool, twice
  if (side(h) < 1 || side(w) < 1) throw new Error(`createCnn: input ${JSON.stringify(spec.inputShape)} is too small (needs at least 14x14)`);
  const bn = spec.batchNorm ?? false;
  const latentChoice = spec.latent ?? 'penultimate';
  const store = new ParamStore('cnn', spec.seed);
  const convs = [
    convUnit(store, 'conv1', 3, c, 64, bn, 0),
    convUnit(store, 'conv2', 3, 64, 64, bn, 0),
    convUnit(store, 'conv3', 3, 64, 128, bn, 0),
    convUnit(store, 'conv4', 3, 128, 128, bn, 0),
  ];
  const flatDim = side(h) * side(w) * 128;
  const dense1 = denseUnit(store, 'dense1', flatDim, 256, bn);
  const dense2 = denseUnit(store, 'dense2', 256, 256, bn);
  const dense3 = denseParams(store, 'dense3', 256, spec.numClasses);
  const latentDim = latentChoice === 'features' ? flatDim : 256;
  const head = projectionParams(store, spec.projectionHead, latentDim);

  return {
    name: 'cnn',
    numClasses: spec.numClasses,
    latentDim,
    inputShape: spec.inputShape,
    projectionHead: spec.projectionHead,
    forward(x: tf.Tensor4D, options: ForwardOptions): ModelOutput {
      const t = options.training;
      return tidyOutput(() => {
        let y = applyConvUnit(x, convs[0], t);            // [B, 30, 30, 64]
        y = maxPool2(applyConvUnit(y, convs[1], t));      // [B, 14, 14, 64]
        y = applyConvUnit(y, convs[2], t);                // [B, 12, 12, 128]
        y = maxPool2(applyConvUnit(y, convs[3], t));      // [B, 5, 5, 128]
        const features = flatten(y);                      // [B, 3200]
        const hidden = applyDenseUnit(features, dense1, t); // [B, 256]
        const penultimate = applyDenseUnit(hidden, dense2, t); // [B, 256]
        const logits = dense(penultimate, dense3);        // [B, K]
        const latent = latentChoice === 'features' ? features : penultimate;
        return { logits, latent, projection: project(latent, head) };
      });
    },
    trainableVariables: () => store.trainableVariables(),
    stateVariables: () => store.stateVariables(),
    dispose: () => store.dispose(),
  };
}

export const cnnFactory: ModelFactory = { name: 'cnn', create: createCnn };
