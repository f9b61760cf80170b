import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src-main/engine/tf.js';
import { initBackend } from '../../src-main/engine/backend/index.js';
import { createModel, getNamedWeights } from '../../src-main/engine/models/index.js';
import { goldenResnet20, maxAbsDiff } from './golden.js';

beforeAll(async () => { await initBackend('wasm'); });

describe('resnet20 on the wasm backend (fused batch-norm kernels) against PyTorch', () => {
  it('train-mode logits within 1e-4 and running stats within 1e-5 of golden/resnet20 (PyTorch); input gradient in eval mode finite and nonzero', async () => {
    expect(tf.getBackend()).toBe('wasm');
    const { g, model: m, x } = goldenResnet20();
    const ev = m.forward(x, { training: false });
    expect(maxAbsDiff(ev.logits.dataSync(), g['eval/logits'].data)).toBeLessThan(1e-4);
    const tr = m.forward(x, { training: true });
    expect(maxAbsDiff(tr.logits.dataSync(), g['train/logits'].data)).toBeLessThan(1e-4);
    const after = await getNamedWeights(m);
    for (const [k, v] of Object.entries(g)) {
      if (k.startsWith('after_train/')) expect(maxAbsDiff(after[k.slice(12)].data, v.data), k).toBeLessThan(1e-5);
    }
    const n0 = tf.memory().numTensors;
    const gx = tf.grad((xx: tf.Tensor) => tf.sum(m.forward(xx as tf.Tensor4D, { training: false }).logits))(x);
    const norm = tf.tidy(() => tf.sum(tf.abs(gx)).dataSync()[0]);
    expect(Number.isFinite(norm) && norm > 0).toBe(true);
    gx.dispose();
    expect(tf.memory().numTensors).toBe(n0);
    tf.dispose([x, ev.logits, ev.latent, tr.logits, tr.latent]);
    m.dispose();
  });

  it('wasm: gradients flow through training-mode batch norm to every trainable variable; no leak over 2 steps', () => {
    const m = createModel('resnet20', { inputShape: [8, 8, 3], numClasses: 10, projectionHead: 'none', seed: 0 });
    const x = tf.randomUniform([4, 8, 8, 3], 0, 1, 'float32', 2) as tf.Tensor4D;
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3], 'int32'), 10);
    const n0 = tf.memory().numTensors;
    for (let step = 0; step < 2; step++) {
      const { grads, value } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, m.forward(x, { training: true }).logits) as tf.Scalar, m.trainableVariables());
      expect(Object.keys(grads).length).toBe(m.trainableVariables().length);
      const gammaGrad = grads[m.trainableVariables().find((v) => v.name.endsWith('layer1.0/1/bn/gamma'))!.name];
      expect(tf.tidy(() => tf.sum(tf.abs(gammaGrad)).arraySync() as number)).toBeGreaterThan(0);
      tf.dispose([value, ...Object.values(grads)]);
    }
    expect(tf.memory().numTensors).toBe(n0);
    tf.dispose([x, y]); m.dispose();
  });
});
