import { beforeAll, describe, expect, it } from 'vitest';
import '@tensorflow/tfjs-backend-cpu';
import { tf } from '../../src-main/engine/tf.js';
import { createModel, getNamedWeights, setNamedWeights } from '../../src-main/engine/models/index.js';

beforeAll(async () => { await tf.setBackend('cpu'); });

describe('small-cnn', () => {
  it('shapes: input [4,32,32,3], 10 classes, head p1 -> logits [4,10], latent [4,128], projection [4,128]', () => {
    const m = createModel('small-cnn', { inputShape: [32, 32, 3], numClasses: 10, projectionHead: 'p1', seed: 1 });
    const out = m.forward(tf.zeros([4, 32, 32, 3]), { training: true });
    expect(out.logits.shape).toEqual([4, 10]);
    expect(out.latent.shape).toEqual([4, 128]);
    expect(out.projection?.shape).toEqual([4, 128]);
    tf.dispose([out.logits, out.latent, out.projection!]);
    expect(m.latentDim).toBe(128);
    m.dispose();
  });

  it('MNIST shape [28,28,1] with head p2: 7*7*64 flatten, projection [2,128]', async () => {
    const m = createModel('small-cnn', { inputShape: [28, 28, 1], numClasses: 10, projectionHead: 'p2', seed: 1 });
    const w = await getNamedWeights(m);
    expect(w['dense1/kernel'].shape).toEqual([7 * 7 * 64, 128]);
    expect(w['proj1/kernel'].shape).toEqual([128, 200]);
    expect(w['proj2/kernel'].shape).toEqual([200, 128]);
    expect(w['proj1/bias']).toBeUndefined();
    const out = m.forward(tf.zeros([2, 28, 28, 1]), { training: false });
    expect(out.projection?.shape).toEqual([2, 128]);
    tf.dispose([out.logits, out.latent, out.projection!]);
    m.dispose();
  });

  it('init is seeded (seed 7 twice equal, seed 8 differs) and PyTorch-like: |w| <= 1/sqrt(fan_in)', async () => {
    const spec = { inputShape: [32, 32, 3] as [number, number, number], numClasses: 10, projectionHead: 'none' as const, seed: 7 };
    const a = createModel('small-cnn', spec), b = createModel('small-cnn', spec), c = createModel('small-cnn', { ...spec, seed: 8 });
    const wa = await getNamedWeights(a), wb = await getNamedWeights(b), wc = await getNamedWeights(c);
    expect(Object.keys(wa)).toEqual(['conv1/kernel', 'conv1/bias', 'conv2/kernel', 'conv2/bias', 'dense1/kernel', 'dense1/bias', 'dense2/kernel', 'dense2/bias']);
    expect(wa['conv2/kernel'].data).toEqual(wb['conv2/kernel'].data);
    expect(wa['conv2/kernel'].data).not.toEqual(wc['conv2/kernel'].data);
    const bound = 1 / Math.sqrt(3 * 3 * 32);
    const k = wa['conv2/kernel'].data;
    expect(Math.max(...k.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...k.map(Math.abs))).toBeGreaterThan(0.95 * bound);
    [a, b, c].forEach((m) => m.dispose());
  });

  it('weights round trip: set(get(A)) into B gives identical logits; bad shape and missing name throw and leave B unchanged', async () => {
    const spec = { inputShape: [32, 32, 3] as [number, number, number], numClasses: 10, projectionHead: 'none' as const, seed: 1 };
    const a = createModel('small-cnn', spec), b = createModel('small-cnn', { ...spec, seed: 2 });
    const x = tf.randomUniform([3, 32, 32, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
    const before = await getNamedWeights(b);
    const wa = await getNamedWeights(a);
    const bad = { ...wa, 'dense2/kernel': { shape: [128, 9], data: new Float32Array(128 * 9) } };
    expect(() => setNamedWeights(b, bad)).toThrow(/dense2\/kernel: shape \[128, 9\] given, model has \[128, 10\]/);
    const { ['conv1/bias']: _dropped, ...missing } = wa;
    expect(() => setNamedWeights(b, missing)).toThrow(/missing weight "conv1\/bias"/);
    expect((await getNamedWeights(b))['conv1/kernel'].data).toEqual(before['conv1/kernel'].data);
    setNamedWeights(b, wa);
    const la = a.forward(x, { training: false }).logits, lb = b.forward(x, { training: false }).logits;
    expect(Array.from(lb.dataSync())).toEqual(Array.from(la.dataSync()));
    tf.dispose([x, la, lb]);
    a.dispose(); b.dispose();
  });

  it('no tensor leak over 3 forward passes; dispose frees all variables', () => {
    const m = createModel('small-cnn', { inputShape: [32, 32, 3], numClasses: 10, projectionHead: 'p2', seed: 1 });
    const x = tf.zeros([2, 32, 32, 3]) as tf.Tensor4D;
    const n0 = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const o = m.forward(x, { training: true });
      tf.dispose([o.logits, o.latent, o.projection!]);
    }
    expect(tf.memory().numTensors).toBe(n0);
    const nVars = m.trainableVariables().length;
    m.dispose();
    expect(tf.memory().numTensors).toBe(n0 - nVars);
    x.dispose();
  });
});
