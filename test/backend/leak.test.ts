import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src-main/engine/tf.js';
import { batchNormTraining } from '../../src-main/engine/backend/batch-norm.js';
import { randomArray, useWasm } from './compare.js';

beforeAll(useWasm);

/** conv3x3(8)-BN-relu-maxpool2 - conv3x3 stride 2 (16)-relu - dense(10), every kernel of ours on the path. */
function makeNet() {
  const v = (shape: number[], seed: number, scale: number) => tf.variable(tf.tensor(randomArray(shape.reduce((a, b) => a * b, 1), seed, scale), shape));
  const w1 = v([3, 3, 3, 8], 1, 0.3), g1 = tf.variable(tf.ones([8])), b1 = tf.variable(tf.zeros([8]));
  const w2 = v([3, 3, 8, 16], 2, 0.2), w3 = v([4 * 16, 10], 3, 0.2);
  const logits = (x: tf.Tensor4D): tf.Tensor2D => {
    const bn = batchNormTraining(tf.conv2d(x, w1 as tf.Tensor4D, 1, 'same'), g1 as tf.Tensor1D, b1 as tf.Tensor1D, 1e-5);
    const h = tf.maxPool(tf.relu(bn.y) as tf.Tensor4D, 2, 2, 'valid') as tf.Tensor4D;
    const h2 = tf.relu(tf.conv2d(h, w2 as tf.Tensor4D, 2, 'same'));
    return tf.matMul(tf.reshape(h2, [x.shape[0], -1]), w3 as tf.Tensor2D);
  };
  return { logits, vars: [w1, g1, b1, w2, w3] };
}

describe('no leaks on wasm over repeated adversarial training steps', () => {
  it('x [8,8,8,3], PGD-2 + Adam: tf.memory().numTensors and the wasm heap stay flat over 6 steps', () => {
    const net = makeNet();
    const opt = tf.train.adam(1e-3);
    const x = tf.tensor4d(randomArray(8 * 8 * 8 * 3, 9).map((a) => (a + 1) / 2), [8, 8, 8, 3]);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7], 'int32'), 10);
    const ce = (xa: tf.Tensor4D) => tf.losses.softmaxCrossEntropy(y, net.logits(xa)) as tf.Scalar;
    const step = (): number => {
      let xAdv: tf.Tensor = tf.clone(x);
      const g = tf.grad((xa: tf.Tensor) => ce(xa as tf.Tensor4D));
      for (let k = 0; k < 2; k++) {
        const next = tf.tidy(() => tf.clipByValue(tf.add(xAdv, tf.mul(tf.sign(g(xAdv)), 2 / 255)), 0, 1));
        xAdv.dispose();
        xAdv = next;
      }
      const cost = opt.minimize(() => tf.add(ce(x), ce(xAdv as tf.Tensor4D)) as tf.Scalar, true)!;
      const value = cost.dataSync()[0];
      tf.dispose([cost, xAdv]);
      return value;
    };
    const heap = () => (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.byteLength;
    step(); // Adam creates its slots on the first step
    const tensors = tf.memory().numTensors;
    const bytes = tf.memory().numBytes;
    const heapBytes = heap();
    const losses: number[] = [];
    for (let i = 0; i < 5; i++) {
      losses.push(step());
      expect(tf.memory().numTensors, `step ${i + 2}`).toBe(tensors);
      expect(tf.memory().numBytes, `step ${i + 2}`).toBe(bytes);
    }
    expect(heap()).toBe(heapBytes);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[4]).toBeLessThan(losses[0]); // it trains
  });
});
