import { beforeAll, describe, it } from 'vitest';
import { tf } from '../../src-main/engine/tf.js';
import { expectClose, onCpuAndWasm, randomArray, useWasm } from './compare.js';

beforeAll(useWasm);

describe('BatchMatMul on wasm matches cpu with transposes', () => {
  const SHAPES: Array<{ m: number; k: number; n: number; batch: number }> = [
    { m: 5, k: 7, n: 3, batch: 0 },
    { m: 33, k: 130, n: 17, batch: 0 },
    { m: 8, k: 4, n: 9, batch: 1 },
    { m: 6, k: 5, n: 4, batch: 3 },
  ];
  for (const s of SHAPES) {
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      it(`a ${s.batch ? `[${s.batch},` : '['}${ta ? `${s.k},${s.m}` : `${s.m},${s.k}`}] b ${tb ? `${s.n}x${s.k}` : `${s.k}x${s.n}`} transposeA=${ta} transposeB=${tb}`, async () => {
        const lead = s.batch ? [s.batch] : [];
        const av = randomArray((s.batch || 1) * s.m * s.k, 31);
        const bv = randomArray((s.batch || 1) * s.k * s.n, 32);
        const r = await onCpuAndWasm(() => {
          const a = tf.tensor(av, [...lead, ...(ta ? [s.k, s.m] : [s.m, s.k])]);
          const b = tf.tensor(bv, [...lead, ...(tb ? [s.n, s.k] : [s.k, s.n])]);
          const y = tf.matMul(a, b, ta, tb);
          return [y, tf.tensor1d(y.shape)];
        });
        expectClose(r.wasm, r.cpu, 1e-5, `${JSON.stringify(s)} ${ta} ${tb}`);
      });
    }
  }
  it('dense layer gradients x [16,40] @ W [40,10]: dx = dy W^T, dW = x^T dy', async () => {
    const r = await onCpuAndWasm(() => {
      const x = tf.tensor2d(randomArray(640, 41), [16, 40]);
      const w = tf.tensor2d(randomArray(400, 42), [40, 10]);
      const dy = tf.tensor2d(randomArray(160, 43), [16, 10]);
      return tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D), dy)))([x, w]);
    });
    expectClose(r.wasm, r.cpu, 1e-5);
  });
});

describe('BatchMatMul transposed-operand cache', () => {
  it('the same data reshaped ([6,4] then [4,6] / [3,8]) as b with transposeB gives the cpu results', async () => {
    const bv = randomArray(24, 61);
    const av = randomArray(8 * 24, 62);
    const r = await onCpuAndWasm(() => {
      const b = tf.tensor2d(bv, [6, 4]);
      const y1 = tf.matMul(tf.tensor2d(av.slice(0, 32), [8, 4]), b, false, true); // [8,4] x [4,6]
      const y2 = tf.matMul(tf.tensor2d(av.slice(0, 48), [8, 6]), tf.reshape(b, [4, 6]), false, true); // [8,6] x [6,4]
      const y3 = tf.matMul(tf.tensor2d(av.slice(0, 64), [8, 8]), tf.reshape(b, [3, 8]), false, true); // [8,8] x [8,3]
      const y4 = tf.matMul(tf.tensor2d(av.slice(0, 32), [8, 4]), b, false, true); // a hit
      return [y1, y2, y3, y4];
    });
    expectClose(r.wasm, r.cpu, 1e-5);
  });
});

describe('Sum on wasm matches cpu (the channel-sum fast path and the stock fallback)', () => {
  const CASES: Array<{ shape: number[]; axis: number[]; keepDims: boolean }> = [
    { shape: [4, 5, 6, 7], axis: [0, 1, 2], keepDims: false },
    { shape: [4, 5, 6, 8], axis: [2, 0, 1], keepDims: true },
    { shape: [30, 3], axis: [-2], keepDims: false },
    { shape: [4, 5, 6], axis: [1, 2], keepDims: false },
  ];
  for (const c of CASES) {
    it(`x [${c.shape}] axis [${c.axis}] keepDims ${c.keepDims}`, async () => {
      const xv = randomArray(c.shape.reduce((a, b) => a * b, 1), 71);
      const r = await onCpuAndWasm(() => {
        const y = tf.sum(tf.tensor(xv, c.shape), c.axis, c.keepDims);
        return [y, tf.tensor1d(y.shape)];
      });
      expectClose(r.wasm, r.cpu, 1e-5, JSON.stringify(c));
    });
  }
});

describe('ReLU gradient on wasm (fused AsclReluGrad) matches cpu', () => {
  it('x [3,5,7,9] with exact zeros: dx = dy where x > 0, else 0', async () => {
    const xv = randomArray(945, 81).map((v, i) => (i % 7 === 0 ? 0 : v));
    const dyv = randomArray(945, 82);
    const r = await onCpuAndWasm(() => {
      const dy = tf.tensor(dyv, [3, 5, 7, 9]);
      return [tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.relu(a), dy)))(tf.tensor(xv, [3, 5, 7, 9]))];
    });
    expectClose(r.wasm, r.cpu, 0);
  });
});
