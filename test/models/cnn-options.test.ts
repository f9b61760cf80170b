/**
 * The plain CNNs' options: batch norm after every conv and hidden dense layer (weight names,
 * parameter counts, running statistics, training-mode units that cannot all be silent) and the
 * latent choice (`features` = the flattened conv features, from which the penultimate latent is
 * ReLU(features . W1 + b1)). Absent options = the architecture as published. cpu backend.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import '@tensorflow/tfjs-backend-cpu';
import { tf } from '../../src-main/engine/tf.js';
import { createModel, getNamedWeights } from '../../src-main/engine/models/index.js';
import { parseRunConfig } from '../../src-main/shared/run-config.js';
import { deadFraction } from '../../src-main/engine/train/collapse.js';

beforeAll(async () => { await tf.setBackend('cpu'); });

const count = (vs: tf.Variable[]): number => vs.reduce((a, v) => a + v.size, 0);
const x32 = (): tf.Tensor4D => tf.randomUniform([8, 32, 32, 3], 0, 1, 'float32', 4) as tf.Tensor4D;

describe('small-cnn and cnn options (cpu)', () => {
  it('run config defaults: batchNorm true, latent penultimate; the faithful C&W cnn is batchNorm false', () => {
    const c = parseRunConfig({});
    expect([c.batchNorm, c.latent]).toEqual([true, 'penultimate']);
    expect(parseRunConfig({ model: 'cnn', batchNorm: false }).batchNorm).toBe(false);
    expect(() => parseRunConfig({ latent: 'conv' })).toThrow(/latent/);
  });

  it('small-cnn batchNorm [32,32,3]: biasless conv1/conv2/dense1 + BN, 545,322 trainable and 448 running-stat values', async () => {
    const m = createModel('small-cnn', { inputShape: [32, 32, 3], numClasses: 10, projectionHead: 'none', seed: 1, batchNorm: true });
    // 864 + 64 (bn) + 18,432 + 128 + 4096*128 + 256 + 128*10 + 10
    expect(count(m.trainableVariables())).toBe(864 + 64 + 18_432 + 128 + 524_288 + 256 + 1290);
    expect(count(m.stateVariables())).toBe(2 * (32 + 64 + 128));
    const names = Object.keys(await getNamedWeights(m));
    expect(names).toContain('dense1/bn/moving_variance');
    expect(names).not.toContain('conv1/bias');
    expect(names).toContain('dense2/bias');
    m.dispose();
  });

  it('cnn batchNorm [32,32,3]: 4 biasless convs and 2 biasless FCs with BN; 1,147,978 - 6 biases + 2 x 896 BN params', () => {
    const m = createModel('cnn', { inputShape: [32, 32, 3], numClasses: 10, projectionHead: 'none', seed: 1, batchNorm: true });
    const biases = 64 + 64 + 128 + 128 + 256 + 256;
    expect(count(m.trainableVariables())).toBe(1_147_978 - biases + 2 * biases);
    expect(count(m.stateVariables())).toBe(2 * biases);
    m.dispose();
  });

  it.each(['small-cnn', 'cnn'] as const)('%s batchNorm, training mode on 8 images: every latent unit fires on some image (BN centres each unit); running stats move', async (name) => {
    const m = createModel(name, { inputShape: [32, 32, 3], numClasses: 10, projectionHead: 'none', seed: 2, batchNorm: true });
    const x = x32();
    const before = (await getNamedWeights(m))['conv1/bn/moving_mean'].data.slice();
    const o = m.forward(x, { training: true });
    expect(await deadFraction(o.latent)).toBe(0);
    expect((await getNamedWeights(m))['conv1/bn/moving_mean'].data).not.toEqual(before);
    tf.dispose([o.logits, o.latent, x]);
    m.dispose();
  });

  it.each([
    ['small-cnn', [28, 28, 1], 7 * 7 * 64, ['dense1']],
    ['small-cnn', [32, 32, 3], 8 * 8 * 64, ['dense1']],
    ['cnn', [32, 32, 3], 5 * 5 * 128, ['dense1', 'dense2']],
  ] as const)('%s %j latent features: latentDim %i, same logits as penultimate, which is ReLU(. W + b) through %j of the features', async (name, shape, dim, hiddenLayers) => {
    const spec = { inputShape: [...shape] as [number, number, number], numClasses: 10, projectionHead: 'p1' as const, seed: 5 };
    const pen = createModel(name, { ...spec, latent: 'penultimate' });
    const feat = createModel(name, { ...spec, latent: 'features' });
    expect(feat.latentDim).toBe(dim);
    const x = tf.randomUniform([3, ...shape], 0, 1, 'float32', 9) as tf.Tensor4D;
    const a = pen.forward(x, { training: false }), b = feat.forward(x, { training: false });
    expect(b.latent.shape).toEqual([3, dim]);
    expect(b.projection?.shape).toEqual([3, 128]);
    const maxDiff = (p: tf.Tensor, q: tf.Tensor): number => tf.tidy(() => tf.max(tf.abs(tf.sub(p, q))).dataSync()[0]);
    // the head is drawn last, so every other weight is equal: same logits
    expect(maxDiff(a.logits, b.logits)).toBe(0);
    const w = await getNamedWeights(feat);
    const layer = (h: tf.Tensor2D, l: string): tf.Tensor2D => tf.relu(tf.add(
      tf.matMul(h, tf.tensor2d(w[`${l}/kernel`].data, w[`${l}/kernel`].shape as [number, number])), tf.tensor1d(w[`${l}/bias`].data))) as tf.Tensor2D;
    const hidden: tf.Tensor2D = tf.tidy(() => hiddenLayers.reduce<tf.Tensor2D>(layer, b.latent));
    expect(maxDiff(hidden, a.latent)).toBeLessThan(1e-5);
    tf.dispose([x, a.logits, a.latent, a.projection!, b.logits, b.latent, b.projection!, hidden]);
    pen.dispose(); feat.dispose();
  });
});
