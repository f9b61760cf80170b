import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src-main/engine/tf.js';
import { batchNormTraining, batchNormTrainingGeneric, hasFusedBatchNorm } from '../../src-main/engine/backend/batch-norm.js';
import { expectClose, onCpuAndWasm, randomArray, useWasm } from './compare.js';

beforeAll(useWasm);

describe('batchNormTraining: fused wasm kernels match the generic tfjs-op version on cpu', () => {
  const SHAPES = [[4, 6, 6, 7], [3, 5, 5, 16], [2, 3, 3, 3], [32, 10]];
  for (const shape of SHAPES) {
    it(`x [${shape}] eps 1e-5: y, mean, variance and gradients wrt x, gamma, beta (loss uses y, mean and variance)`, async () => {
      const c = shape[shape.length - 1];
      const size = shape.reduce((p, q) => p * q, 1);
      const xv = randomArray(size, 51, 3).map((v) => v + 1.5); // mean far from 0
      const gv = randomArray(c, 52).map((v) => v + 1.2);
      const bv = randomArray(c, 53);
      const wv = randomArray(size, 54);
      const r = await onCpuAndWasm(() => {
        expect(hasFusedBatchNorm()).toBe(tf.getBackend() === 'wasm');
        const x = tf.tensor(xv, shape);
        const gamma = tf.tensor1d(gv);
        const beta = tf.tensor1d(bv);
        const w = tf.tensor(wv, shape);
        const out = batchNormTraining(x, gamma, beta, 1e-5);
        const loss = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Scalar => {
          const o = batchNormTraining(a, g as tf.Tensor1D, b as tf.Tensor1D, 1e-5);
          return tf.addN([tf.sum(tf.mul(o.y, w)), tf.mul(0.3, tf.sum(tf.square(o.mean))), tf.mul(0.2, tf.sum(o.variance))]) as tf.Scalar;
        };
        return [out.y, out.mean, out.variance, ...tf.grads(loss)([x, gamma, beta])];
      });
      expectClose(r.wasm, r.cpu, 1e-4, `[${shape}]`);
    });
  }

  it('mean and variance of x [64, 5] with a constant offset of 1000 are exact (float64 sums)', async () => {
    await tf.setBackend('wasm');
    const xv = randomArray(320, 55).map((v) => v + 1000);
    const out = batchNormTraining(tf.tensor2d(xv, [64, 5]), tf.ones([5]) as tf.Tensor1D, tf.zeros([5]) as tf.Tensor1D, 1e-5);
    const mean = out.mean.dataSync();
    const variance = out.variance.dataSync();
    for (let j = 0; j < 5; j++) {
      let s = 0;
      for (let r = 0; r < 64; r++) s += xv[r * 5 + j];
      const m = s / 64;
      let q = 0;
      for (let r = 0; r < 64; r++) q += (xv[r * 5 + j] - m) ** 2;
      expect(mean[j]).toBeCloseTo(m, 3);
      expect(Math.abs(variance[j] - q / 64) / (q / 64)).toBeLessThan(1e-5);
    }
    tf.dispose([out.y, out.mean, out.variance]);
  });

  it('rejects gamma of the wrong length, naming the shapes', () => {
    expect(() => batchNormTrainingGeneric(tf.zeros([2, 3]), tf.ones([4]) as tf.Tensor1D, tf.zeros([3]) as tf.Tensor1D, 1e-5))
      .toThrow(/batchNormTraining: .*x \[2,3\].*gamma \[4\]/);
  });
});
