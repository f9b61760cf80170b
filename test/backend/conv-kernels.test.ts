import { beforeAll, describe, it } from 'vitest';
import { tf } from '../../src-main/engine/tf.js';
import { expectClose, onCpuAndWasm, randomArray, useWasm } from './compare.js';

beforeAll(useWasm);

type Case = { n: number; h: number; w: number; ci: number; co: number; k: number; s: number; pad: 'same' | 'valid' | number };
const CASES: Case[] = [
  { n: 4, h: 9, w: 9, ci: 3, co: 5, k: 3, s: 1, pad: 'same' },
  { n: 3, h: 8, w: 8, ci: 4, co: 6, k: 3, s: 2, pad: 'same' },
  { n: 2, h: 9, w: 7, ci: 5, co: 4, k: 3, s: 2, pad: 'same' },
  { n: 2, h: 7, w: 7, ci: 3, co: 4, k: 3, s: 2, pad: 'valid' },
  { n: 2, h: 10, w: 9, ci: 5, co: 3, k: 2, s: 2, pad: 'valid' },
  { n: 3, h: 11, w: 6, ci: 2, co: 7, k: 5, s: 1, pad: 'valid' },
  { n: 2, h: 8, w: 8, ci: 16, co: 32, k: 1, s: 2, pad: 'valid' },
  { n: 5, h: 6, w: 6, ci: 8, co: 8, k: 3, s: 1, pad: 'same' },
  // Few input channels, stride 1: matmul + col2im.
  { n: 2, h: 7, w: 9, ci: 3, co: 32, k: 3, s: 1, pad: 'same' },
  { n: 2, h: 6, w: 6, ci: 2, co: 32, k: 5, s: 1, pad: 'valid' },
  { n: 3, h: 8, w: 8, ci: 3, co: 16, k: 3, s: 1, pad: 1 },
  // Even sizes with stride 2 take the sub-pixel path; PyTorch-style symmetric padding as the models use.
  { n: 2, h: 8, w: 6, ci: 3, co: 5, k: 3, s: 2, pad: 1 },
  { n: 2, h: 12, w: 8, ci: 4, co: 3, k: 5, s: 2, pad: 2 },
  { n: 2, h: 9, w: 9, ci: 4, co: 3, k: 3, s: 3, pad: 1 },
  { n: 2, h: 8, w: 8, ci: 4, co: 6, k: 4, s: 2, pad: 'same' },
];

describe('conv2d gradients on wasm match cpu (Conv2DBackpropFilter, Conv2DBackpropInput)', () => {
  for (const c of CASES) {
    it(`x [${c.n},${c.h},${c.w},${c.ci}] filter ${c.k}x${c.k}x${c.ci}x${c.co} stride ${c.s} pad ${c.pad}`, async () => {
      const xv = randomArray(c.n * c.h * c.w * c.ci, 11);
      const wv = randomArray(c.k * c.k * c.ci * c.co, 12);
      const r = await onCpuAndWasm(() => {
        const x = tf.tensor4d(xv, [c.n, c.h, c.w, c.ci]);
        const w = tf.tensor4d(wv, [c.k, c.k, c.ci, c.co]);
        const y = tf.conv2d(x, w, c.s, c.pad);
        const dy = tf.tensor(randomArray(y.size, 13), y.shape);
        const dx = tf.conv2dTranspose(dy as tf.Tensor4D, w, x.shape, c.s, c.pad); // Conv2DBackpropInput
        const dw = tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy } as unknown as tf.NamedTensorMap, {
          strides: c.s, pad: c.pad, dataFormat: 'NHWC', filterShape: w.shape,
        } as unknown as tf.NamedAttrMap) as tf.Tensor;
        // And through autodiff, as training uses them.
        const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.s, c.pad), dy)))([x, w]);
        return [dx, dw, gx, gw];
      });
      expectClose(r.wasm, r.cpu, 1e-4, JSON.stringify(c));
    });
  }
});

describe('MaxPoolGrad on wasm matches cpu (first maximum wins ties)', () => {
  const POOLS = [
    { n: 3, h: 8, w: 8, c: 8, k: 2, s: 2, pad: 'valid' as const },
    { n: 2, h: 7, w: 9, c: 5, k: 2, s: 2, pad: 'same' as const },
    { n: 2, h: 7, w: 7, c: 6, k: 3, s: 2, pad: 'same' as const },
    { n: 2, h: 6, w: 6, c: 3, k: 3, s: 1, pad: 'valid' as const },
    { n: 2, h: 8, w: 6, c: 5, k: 2, s: 2, pad: 'valid' as const }, // tiles the input exactly, channel tail
    { n: 1, h: 9, w: 9, c: 4, k: 3, s: 3, pad: 'valid' as const },
  ];
  for (const p of POOLS) {
    it(`x [${p.n},${p.h},${p.w},${p.c}] window ${p.k} stride ${p.s} pad ${p.pad}, after relu (ties at 0)`, async () => {
      const xv = randomArray(p.n * p.h * p.w * p.c, 21);
      const r = await onCpuAndWasm(() => {
        const x = tf.tensor4d(xv, [p.n, p.h, p.w, p.c]);
        const weight = (y: tf.Tensor): tf.Tensor => tf.tensor(randomArray(y.size, 22), y.shape);
        const g = tf.grad((a: tf.Tensor) => {
          const y = tf.maxPool(tf.relu(a) as tf.Tensor4D, p.k, p.s, p.pad);
          return tf.sum(tf.mul(y, weight(y)));
        })(x);
        return [g];
      });
      expectClose(r.wasm, r.cpu, 1e-6, JSON.stringify(p));
    });
  }
});
