/**
 * The kernels the wasm backend replaces, on webgpu (tfjs-backend-webgpu's own) against cpu with the
 * wasm kernels' tolerances: conv2d gradients (1e-4), MaxPoolGrad with ties at 0 after ReLU (1e-6: the
 * first maximum of a window must get the gradient, as on cpu), batch norm in training mode with its
 * gradients (1e-4), batched matmul with transposes (1e-5). Same cases as conv-kernels, batch-norm and
 * matmul-kernel tests of the wasm kernels, a subset.
 */
import { describe, it } from 'vitest';
import { tf } from '../../src-main/engine/tf.js';
import { batchNormTraining } from '../../src-main/engine/backend/batch-norm.js';
import { expectClose, randomArray } from './compare.js';
import { onCpuAndWebgpu, webgpuForTests } from './webgpu.js';

const gpu = await webgpuForTests();
const on = `adapter ${gpu.adapter?.name ?? `none: ${gpu.unavailable}`}`;

describe.skipIf(gpu.unavailable !== null)(`webgpu kernels match cpu (${on})`, () => {
  const CONVS = [
    { n: 4, h: 9, w: 9, ci: 3, co: 5, k: 3, s: 1, pad: 'same' as const },
    { n: 3, h: 8, w: 8, ci: 4, co: 6, k: 3, s: 2, pad: 'same' as const },
    { n: 2, h: 7, w: 7, ci: 3, co: 4, k: 3, s: 2, pad: 'valid' as const },
    { n: 2, h: 8, w: 6, ci: 3, co: 5, k: 3, s: 2, pad: 1 },
    { n: 2, h: 8, w: 8, ci: 16, co: 32, k: 1, s: 2, pad: 'valid' as const },
  ];
  it.each(CONVS)('conv2d gradients x [$n,$h,$w,$ci] filter $k x $k x $ci x $co stride $s pad $pad: dx, dw within 1e-4', async (c) => {
    const xv = randomArray(c.n * c.h * c.w * c.ci, 11);
    const wv = randomArray(c.k * c.k * c.ci * c.co, 12);
    const r = await onCpuAndWebgpu(() => {
      const x = tf.tensor4d(xv, [c.n, c.h, c.w, c.ci]);
      const w = tf.tensor4d(wv, [c.k, c.k, c.ci, c.co]);
      const y = tf.conv2d(x, w, c.s, c.pad);
      const dy = tf.tensor(randomArray(y.size, 13), y.shape);
      return tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.s, c.pad), dy)))([x, w]);
    });
    expectClose(r.webgpu, r.cpu, 1e-4, JSON.stringify(c));
  });

  const POOLS = [
    { n: 3, h: 8, w: 8, c: 8, k: 2, s: 2, pad: 'valid' as const },
    { n: 2, h: 7, w: 9, c: 5, k: 2, s: 2, pad: 'same' as const },
    { n: 2, h: 7, w: 7, c: 6, k: 3, s: 2, pad: 'same' as const },
    { n: 2, h: 6, w: 6, c: 3, k: 3, s: 1, pad: 'valid' as const },
  ];
  it.each(POOLS)('MaxPoolGrad x [$n,$h,$w,$c] window $k stride $s pad $pad after relu (ties at 0): within 1e-6', async (p) => {
    const xv = randomArray(p.n * p.h * p.w * p.c, 21);
    const r = await onCpuAndWebgpu(() => {
      const x = tf.tensor4d(xv, [p.n, p.h, p.w, p.c]);
      const g = tf.grad((a: tf.Tensor) => {
        const y = tf.maxPool(tf.relu(a) as tf.Tensor4D, p.k, p.s, p.pad);
        return tf.sum(tf.mul(y, tf.tensor(randomArray(y.size, 22), y.shape)));
      })(x);
      return [g];
    });
    expectClose(r.webgpu, r.cpu, 1e-6, JSON.stringify(p));
  });

  it.each([[[4, 6, 6, 7]], [[3, 5, 5, 16]], [[32, 10]]])('batchNormTraining x [%j] eps 1e-5: y, mean, variance and gradients wrt x, gamma, beta within 1e-4', async (shape) => {
    const c = shape[shape.length - 1];
    const size = shape.reduce((p, q) => p * q, 1);
    const xv = randomArray(size, 51, 3).map((v) => v + 1.5);
    const gv = randomArray(c, 52).map((v) => v + 1.2);
    const bv = randomArray(c, 53);
    const wv = randomArray(size, 54);
    const r = await onCpuAndWebgpu(() => {
      const x = tf.tensor(xv, shape);
      const w = tf.tensor(wv, shape);
      const loss = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Scalar => {
        const o = batchNormTraining(a, g as tf.Tensor1D, b as tf.Tensor1D, 1e-5);
        return tf.addN([tf.sum(tf.mul(o.y, w)), tf.mul(0.3, tf.sum(tf.square(o.mean))), tf.mul(0.2, tf.sum(o.variance))]) as tf.Scalar;
      };
      const out = batchNormTraining(x, tf.tensor1d(gv), tf.tensor1d(bv), 1e-5);
      return [out.y, out.mean, out.variance, ...tf.grads(loss)([x, tf.tensor1d(gv), tf.tensor1d(bv)])];
    });
    expectClose(r.webgpu, r.cpu, 1e-4, `[${shape}]`);
  });

  it.each([[false, false], [true, false], [false, true], [true, true]] as const)('batchMatMul [3, 17, 33] x [3, 33, 9] transposeA %s transposeB %s: within 1e-5', async (ta, tb) => {
    const r = await onCpuAndWebgpu(() => {
      const a = tf.tensor3d(randomArray(3 * 17 * 33, 61), ta ? [3, 33, 17] : [3, 17, 33]);
      const b = tf.tensor3d(randomArray(3 * 33 * 9, 62), tb ? [3, 9, 33] : [3, 33, 9]);
      return [tf.matMul(a, b, ta, tb)];
    });
    expectClose(r.webgpu, r.cpu, 1e-5, `ta ${ta} tb ${tb}`);
  });
});
