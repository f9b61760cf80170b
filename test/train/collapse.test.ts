/**
 * The collapse check's numbers in closed form: the dead fraction of crafted latents (columns that
 * are 0 on every row), the same through a model in batches, the chance bound 1/K + 2 sqrt(p(1-p)/n),
 * and when the warning fires (epoch >= 2 at chance, or more than half the units dead). cpu backend.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src-main/engine/tf.js';
import '@tensorflow/tfjs-backend-cpu';
import { parseRunConfig } from '../../src-main/shared/run-config.js';
import { chanceBound, collapseWarning, deadFraction, deadLatentFraction, COLLAPSE_FROM_EPOCH, DEAD_FRACTION_LIMIT } from '../../src-main/engine/train/collapse.js';
import type { ClassifierModel } from '../../src-main/engine/models/model.js';
import { tidyOutput } from '../../src-main/engine/models/layers.js';

beforeAll(async () => { await tf.setBackend('cpu'); });

/** latent = ReLU(flatten(x) [B, 4] . W [4, 4]); images [5, 2, 2, 1] with values in [0.1, 0.9]. */
function craftedModel(w: number[][]): ClassifierModel {
  const kernel = tf.tensor2d(w);
  return {
    name: 'external', numClasses: 2, latentDim: 4, inputShape: [2, 2, 1], projectionHead: 'none',
    forward: (x) => tidyOutput(() => {
      const latent = tf.relu(tf.matMul(tf.reshape(x, [x.shape[0], 4]), kernel)) as tf.Tensor2D;
      return { latent, logits: tf.slice(latent, [0, 0], [-1, 2]) as tf.Tensor2D, projection: null };
    }),
    trainableVariables: () => [], stateVariables: () => [], dispose: () => kernel.dispose(),
  };
}

describe('collapse check', () => {
  it('deadFraction of a [4, 5] latent with columns 1 and 3 zero (column 4 only negative values) = 2/5', async () => {
    const z = tf.tensor2d([
      [1, 0, 0, 0, 0],
      [0, 0, 2, 0, 0],
      [0, 0, 0, 0, -1],
      [3, 0, 0, 0, 0],
    ]);
    expect(await deadFraction(z)).toBeCloseTo(2 / 5, 12);
    z.dispose();
  });

  it('deadLatentFraction over 5 images in batches of 2: unit 3 fires on the last image only, units 1 and 2 never: 2/4', async () => {
    const px = [[0.5, 0.2, 0.3, 0.4], [0.6, 0.2, 0.1, 0.9], [0.3, 0.3, 0.2, 0.2], [0.2, 0.4, 0.8, 0.1], [0.9, 0.1, 0.1, 0.1]];
    const m = craftedModel([[1, -1, 0, 1], [1, -1, 0, -1], [1, -1, 0, -1], [1, -1, 0, -1]]);
    // unit 0 = sum x > 0 always; unit 1 = -sum x < 0; unit 2 = 0; unit 3 = x0 - x1 - x2 - x3: -0.4, -0.6, -0.4, -1.1, +0.6
    const images = Float32Array.from(px.flat());
    expect(await deadLatentFraction(m, images, 5, 2)).toBeCloseTo(2 / 4, 12);
    expect(await deadLatentFraction(m, images, 4, 2)).toBeCloseTo(3 / 4, 12); // without image 4 unit 3 is dead too
    m.dispose();
  });

  it('chanceBound: K = 10, n = 500 -> 0.1 + 2 sqrt(0.09 / 500) = 0.12683; K = 100, n = 1000 -> 0.01 + 2 sqrt(0.0099 / 1000)', () => {
    expect(chanceBound(10, 500)).toBeCloseTo(0.12683281573, 10);
    expect(chanceBound(100, 1000)).toBeCloseTo(0.01 + 2 * Math.sqrt(0.0099 / 1000), 12);
  });

  it(`warning: at chance from epoch ${COLLAPSE_FROM_EPOCH} (<= bound, K = 10, n = 500), or dead fraction > ${DEAD_FRACTION_LIMIT}; remedies follow the config`, () => {
    const ascl = parseRunConfig({ defense: 'ascl', model: 'small-cnn', batchNorm: false, latent: 'penultimate' });
    const base = { n: 500, numClasses: 10, deadLatentFraction: 0.1 };
    expect(collapseWarning({ ...base, epoch: 1, natAccuracy: 0.1 }, ascl)).toBeNull(); // the first epoch is not judged
    expect(collapseWarning({ ...base, epoch: 2, natAccuracy: 0.1268 }, ascl)).toMatch(/natural accuracy 12\.7% is at chance after epoch 2 \(<= 1\/10 \+ 2 se = 12\.7% on 500/);
    expect(collapseWarning({ ...base, epoch: 2, natAccuracy: 0.127 }, ascl)).toBeNull();
    expect(collapseWarning({ ...base, epoch: 1, natAccuracy: 0.9, deadLatentFraction: 0.5 }, ascl)).toBeNull();
    const dead = collapseWarning({ ...base, epoch: 1, natAccuracy: 0.9, deadLatentFraction: 0.51 }, ascl);
    expect(dead).toMatch(/51\.0% of the latent units are dead/);
    expect(dead).toMatch(/contrastive term on a network without batch norm; try batchNorm true, latent features, a smaller lambdaScl$/);
    const withBn = parseRunConfig({ defense: 'ascl', model: 'small-cnn', batchNorm: true, latent: 'features' });
    expect(collapseWarning({ ...base, epoch: 3, natAccuracy: 0.1 }, withBn)).toMatch(/die under the contrastive term; try a smaller lambdaScl$/);
    const adv = parseRunConfig({ defense: 'adv', model: 'resnet20' });
    expect(collapseWarning({ ...base, epoch: 3, natAccuracy: 0.1 }, adv)).toMatch(/not learning; the usual causes: a learningRate too high for it \(0\.001\), or the adversarial examples at the full eps from the first step; try a lower learningRate$/);
    const nat = parseRunConfig({ defense: 'nat', model: 'cnn', batchNorm: false, learningRate: 0.1 });
    expect(collapseWarning({ ...base, epoch: 3, natAccuracy: 0.1 }, nat)).toMatch(/a learningRate too high for it \(0\.1\), on a network without batch norm; try batchNorm true, latent features, a lower learningRate$/);
  });
});
