/**
 * resnet20 with resnetSetting pang2019 on the wasm backend (this project's conv and batch-norm kernels)
 * against the cpu backend (tfjs' reference kernels): TensorFlow's 'same' padding of the stride-2
 * convolutions is asymmetric (bottom/right only), a case the PyTorch-layout ResNet never exercises.
 */
import { describe, expect, it } from 'vitest';
import { tf } from '../../src-main/engine/tf.js';
import '@tensorflow/tfjs-backend-cpu';
import { initBackend } from '../../src-main/engine/backend/index.js';
import { createModel, getNamedWeights, setNamedWeights } from '../../src-main/engine/models/index.js';
import { stableWeightName } from '../../src-main/engine/models/params.js';
import type { NamedArrays } from '../../src-main/engine/train/types.js';
import { maxAbsDiff } from './golden.js';

const spec = { inputShape: [8, 8, 3] as [number, number, number], numClasses: 10, projectionHead: 'none' as const, seed: 5, resnetSetting: 'pang2019' as const };

/** Train-mode CE + the model's L2: loss, logits, every parameter gradient and the input gradient. */
function run(weights: NamedArrays, xData: Float32Array) {
  const m = createModel('resnet20', spec);
  setNamedWeights(m, weights);
  const x = tf.tensor4d(xData, [4, 8, 8, 3]);
  const y = tf.oneHot(tf.tensor1d([0, 3, 5, 9], 'int32'), 10);
  const loss = (xx: tf.Tensor4D): tf.Scalar => tf.add(tf.losses.softmaxCrossEntropy(y, m.forward(xx, { training: true }).logits), m.regularization!()) as tf.Scalar;
  const { value, grads } = tf.variableGrads(() => loss(x), m.trainableVariables());
  const gx = tf.grad((xx: tf.Tensor) => tf.sum(m.forward(xx as tf.Tensor4D, { training: false }).logits))(x);
  const out = {
    loss: value.dataSync()[0],
    grads: Object.fromEntries(Object.entries(grads).map(([n, g]) => [stableWeightName(n), Float32Array.from(g.dataSync() as Float32Array)])),
    gx: Float32Array.from(gx.dataSync() as Float32Array),
  };
  tf.dispose([value, ...Object.values(grads), gx, x, y]);
  m.dispose();
  return out;
}

describe('resnet20 pang2019: wasm against cpu', () => {
  it('[4,8,8,3]: train-mode loss (CE + L2), every parameter gradient and the eval-mode input gradient within 1e-4 of the largest (+2e-6: biases before batch norm have ~0 gradient)', async () => {
    await tf.setBackend('cpu');
    const init = createModel('resnet20', spec);
    const weights = await getNamedWeights(init);
    init.dispose();
    const xData = Float32Array.from({ length: 4 * 8 * 8 * 3 }, (_, i) => (Math.sin(i * 1.7) + 1) / 2);
    const cpu = run(weights, xData);
    await initBackend('wasm');
    expect(tf.getBackend()).toBe('wasm');
    const wasm = run(weights, xData);
    expect(Math.abs(wasm.loss - cpu.loss)).toBeLessThan(1e-4 * Math.abs(cpu.loss));
    for (const [name, g] of Object.entries(cpu.grads)) {
      const scale = g.reduce((mx, v) => Math.max(mx, Math.abs(v)), 0);
      expect(maxAbsDiff(wasm.grads[name], g), name).toBeLessThanOrEqual(1e-4 * scale + 2e-6);
    }
    const gxScale = cpu.gx.reduce((mx, v) => Math.max(mx, Math.abs(v)), 0);
    expect(gxScale).toBeGreaterThan(0);
    expect(maxAbsDiff(wasm.gx, cpu.gx)).toBeLessThanOrEqual(1e-4 * gxScale);
  });
});
