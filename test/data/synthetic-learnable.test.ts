import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src-main/engine/tf.js';
import { initBackend } from '../../src-main/engine/backend/index.js';
import { createModel } from '../../src-main/engine/models/index.js';
import { createSyntheticDataset } from '../../src-main/engine/data/synthetic.js';
import { batches } from '../../src-main/engine/data/batches.js';
import { Rng } from '../../src-main/engine/rng.js';

beforeAll(async () => { await initBackend('wasm'); });

describe('synthetic dataset is learnable', () => {
  it('small-cnn, synthetic 16x16x3 (800 train, 500 test, 10 classes), 1 epoch Adam 1e-3 batch 32 (wasm): test accuracy > 0.3 (chance 0.1)', () => {
    const d = createSyntheticDataset({ seed: 1, trainCount: 800, testCount: 500, height: 16, width: 16 });
    const shape = { height: 16, width: 16, channels: 3 };
    const m = createModel('small-cnn', { inputShape: [16, 16, 3], numClasses: 10, projectionHead: 'none', seed: 1 });
    const opt = tf.train.adam(1e-3);
    for (const b of batches(d.train, shape, { batchSize: 32, rng: new Rng(1) })) {
      tf.tidy(() => {
        const y = tf.oneHot(b.y, 10);
        opt.minimize(() => tf.losses.softmaxCrossEntropy(y, m.forward(b.x, { training: true }).logits) as tf.Scalar);
      });
      tf.dispose([b.x, b.y]);
    }
    const acc = tf.tidy(() => {
      const x = tf.tensor4d(d.test.images, [d.test.count, 16, 16, 3]);
      const pred = tf.argMax(m.forward(x, { training: false }).logits, 1);
      return tf.mean(tf.cast(tf.equal(pred, tf.tensor1d(d.test.labels, 'int32')), 'float32')).dataSync()[0];
    });
    expect(acc).toBeGreaterThan(0.3);
    opt.dispose(); m.dispose();
  });
});
