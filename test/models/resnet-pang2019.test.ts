/**
 * ResNet20 "in the same setting as [29]" (resnetSetting: pang2019): Pang et al.'s Keras resnet_v1
 * (model.py) with Keras 2.2.4's conventions. Checked against closed forms: the parameter count Keras
 * reports for ResNet20v1, he_normal's statistics, Keras batch norm's update, the L2 term, TensorFlow's
 * 'same' padding of a stride-2 convolution.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import '@tensorflow/tfjs-backend-cpu';
import { tf } from '../../src-main/engine/tf.js';
import { createModel, getNamedWeights, setNamedWeights } from '../../src-main/engine/models/index.js';
import { ParamStore, TRUNCATED_NORMAL_STD } from '../../src-main/engine/models/params.js';
import { batchNorm, batchNormParams, KERAS_BATCH_NORM } from '../../src-main/engine/models/batch-norm.js';
import { conv2d, conv2dParams } from '../../src-main/engine/models/layers.js';
import { PANG2019_CONV_L2 } from '../../src-main/engine/models/resnet.js';

beforeAll(async () => { await tf.setBackend('cpu'); });

const spec = { inputShape: [32, 32, 3] as [number, number, number], numClasses: 10, projectionHead: 'none' as const, seed: 4, resnetSetting: 'pang2019' as const };
const size = (vs: tf.Variable[]): number => vs.reduce((a, v) => a + v.size, 0);

describe('resnet20, resnetSetting pang2019 ([29] resnet_v1, depth 20)', () => {
  it('274,442 parameters as Keras counts ResNet20v1 (273,066 trainable + 1,376 batch-norm statistics); closed form per layer', async () => {
    const m = createModel('resnet20', spec);
    // conv k x k x in x out + out bias; BN 4 x C (gamma, beta trainable; mean, variance state)
    const conv = (k: number, i: number, o: number): number => k * k * i * o + o;
    const stem = conv(3, 3, 16) + 4 * 16;
    const stage1 = 3 * (2 * conv(3, 16, 16) + 2 * 4 * 16);
    const stage2 = conv(3, 16, 32) + conv(3, 32, 32) + 2 * 4 * 32 + conv(1, 16, 32) + 2 * (2 * conv(3, 32, 32) + 2 * 4 * 32);
    const stage3 = conv(3, 32, 64) + conv(3, 64, 64) + 2 * 4 * 64 + conv(1, 32, 64) + 2 * (2 * conv(3, 64, 64) + 2 * 4 * 64);
    const total = stem + stage1 + stage2 + stage3 + 64 * 10 + 10;
    expect(total).toBe(274_442);
    expect(size(m.trainableVariables()) + size(m.stateVariables())).toBe(total);
    expect(size(m.stateVariables())).toBe(1_376); // 2 x (16 + 6*16 + 6*32 + 6*64) batch-norm channels
    const names = Object.keys(await getNamedWeights(m));
    expect(names.filter((n) => n.includes('shortcut/bn'))).toEqual([]); // shortcut convolutions without batch norm
    expect(names.filter((n) => n.endsWith('shortcut/conv/bias'))).toEqual(['layer2.0/shortcut/conv/bias', 'layer3.0/shortcut/conv/bias']);
    m.dispose();
  });

  it('he_normal: the 5 conv kernels of fan-in 576 (5 x 36,864 values) have std sqrt(2/576) within 2%, |w| <= 2 sqrt(2/576)/0.8796, biases 0', async () => {
    const m = createModel('resnet20', spec);
    const w = await getNamedWeights(m);
    const values: number[] = [];
    for (const [name, a] of Object.entries(w)) {
      if (name.startsWith('layer3.') && name.endsWith('conv/kernel') && a.shape[2] === 64 && a.shape[0] === 3) for (const v of a.data) values.push(v);
      if (name.endsWith('conv/bias')) expect(a.data.every((v) => v === 0)).toBe(true);
    }
    expect(values.length).toBe(5 * 36_864); // layer3: conv 2 of block 0 and both convs of blocks 1, 2
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
    const target = Math.sqrt(2 / 576);
    expect(Math.abs(mean)).toBeLessThan(0.01 * target);
    expect(Math.abs(std / target - 1)).toBeLessThan(0.02);
    expect(values.reduce((mx, v) => Math.max(mx, Math.abs(v)), 0)).toBeLessThanOrEqual(2 * target / TRUNCATED_NORMAL_STD + 1e-7);
    expect(Array.from(w['fc/bias'].data)).toEqual(new Array(10).fill(0));
    m.dispose();
  });

  it('regularization() = 1e-4 * sum of W^2 over the 21 conv kernels (not the dense layer, not batch norm) on set weights', async () => {
    const m = createModel('resnet20', spec);
    const w = await getNamedWeights(m);
    let expected = 0, kernels = 0;
    for (const [name, a] of Object.entries(w)) {
      // deterministic known values: the k-th entry of every tensor = 0.01 * ((k % 7) - 3)
      a.data = Float32Array.from(a.data, (_, k) => 0.01 * ((k % 7) - 3));
      if (name.endsWith('conv/kernel')) { kernels++; for (const v of a.data) expected += v * v; }
    }
    setNamedWeights(m, w);
    expect(kernels).toBe(21); // stem + 9 blocks x 2 convs + 2 shortcut convs
    const r = m.regularization!();
    expect(r.dataSync()[0]).toBeCloseTo(PANG2019_CONV_L2 * expected, 6);
    r.dispose(); m.dispose();
  });

  it('resnetSetting pytorch has no regularization and keeps the PyTorch layout (272,474 trainable)', () => {
    const m = createModel('resnet20', { ...spec, resnetSetting: 'pytorch' });
    expect(m.regularization).toBeUndefined();
    expect(size(m.trainableVariables())).toBe(272_474);
    m.dispose();
  });
});

describe('Keras batch norm (momentum 0.99, epsilon 1e-3)', () => {
  it('[2,3,3,2] input: output with eps 1e-3, moving mean 0.01 * mean, moving variance 0.99 + 0.01 * var * M/(M - 1.001), M = 18', () => {
    const store = new ParamStore('bn-test', 0);
    const p = batchNormParams(store, 'bn', 2, KERAS_BATCH_NORM);
    const data = Float32Array.from({ length: 36 }, (_, i) => Math.sin(i) * 3 + (i % 2) * 5);
    const x = tf.tensor4d(data, [2, 3, 3, 2]);
    const y = batchNorm(x, p, true).dataSync();
    for (let c = 0; c < 2; c++) {
      const v = Array.from({ length: 18 }, (_, k) => data[2 * k + c]);
      const mean = v.reduce((s, a) => s + a, 0) / 18;
      const biased = v.reduce((s, a) => s + (a - mean) ** 2, 0) / 18;
      for (let k = 0; k < 18; k++) expect(y[2 * k + c]).toBeCloseTo((v[k] - mean) / Math.sqrt(biased + 1e-3), 4);
      expect(p.movingMean.dataSync()[c]).toBeCloseTo(0.01 * mean, 6);
      expect(p.movingVariance.dataSync()[c]).toBeCloseTo(0.99 * 1 + 0.01 * biased * 18 / (18 - 1.001), 6);
    }
    // inference mode: the running statistics with epsilon 1e-3
    const yi = batchNorm(x, p, false).dataSync();
    const mm = p.movingMean.dataSync(), mv = p.movingVariance.dataSync();
    expect(yi[1]).toBeCloseTo((data[1] - mm[1]) / Math.sqrt(mv[1] + 1e-3), 5);
    store.dispose(); x.dispose();
  });
});

describe("TensorFlow 'same' padding of [29]'s stride-2 convolutions", () => {
  it('3x3 stride 2 on 4x4: output (0,0) sums rows/columns 0..2 (no top/left pad); (1,1) pads the bottom/right', () => {
    const store = new ParamStore('pad-test', 0);
    const p = conv2dParams(store, 'c', 3, 1, 1, { stride: 2, pad: 'same', bias: false, init: 'he-normal' });
    p.kernel.assign(tf.ones([3, 3, 1, 1]));
    const img = Float32Array.from({ length: 16 }, (_, i) => i + 1); // img(r, c) = 4r + c + 1
    const out = conv2d(tf.tensor4d(img, [1, 4, 4, 1]), p).dataSync();
    const at = (r: number, c: number): number => (r < 4 && c < 4 ? img[4 * r + c] : 0);
    let o00 = 0, o11 = 0;
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) { o00 += at(a, b); o11 += at(2 + a, 2 + b); }
    expect(out[0]).toBeCloseTo(o00, 5); // PyTorch's padding=1 would give rows/columns -1..1 instead
    expect(out[3]).toBeCloseTo(o11, 5);
    store.dispose();
  });
});

describe('the train step adds [29]\'s L2 to the loss', () => {
  it('resnet20 pang2019, nat objective, B=4 on 8x8: recorded l2 = regularization() before the step, loss = ce_nat + l2', async () => {
    const { makeTrainStep, createOptimizer } = await import('../../src-main/engine/train/index.js');
    const { getObjective } = await import('../../src-main/engine/objectives/index.js');
    const { parseRunConfig } = await import('../../src-main/shared/run-config.js');
    const { Rng } = await import('../../src-main/engine/rng.js');
    const m = createModel('resnet20', { ...spec, inputShape: [8, 8, 3] });
    const before = m.regularization!();
    const l2 = before.dataSync()[0];
    before.dispose();
    const config = parseRunConfig({ dataset: 'synthetic', defense: 'nat', model: 'resnet20' });
    const optimizer = createOptimizer('sgd', m.trainableVariables(), { momentum: 0, weightDecay: 0 });
    const step = makeTrainStep({ model: m, objective: getObjective('nat'), optimizer, config, eps: 0.03, stepSize: 0.01, rng: new Rng(1) });
    const x = tf.randomUniform([4, 8, 8, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
    const y = tf.tensor1d([0, 1, 2, 3], 'int32');
    const r = await step(x, y, { epoch: 1, step: 0, learningRate: 0 }); // lr 0: weights unchanged
    expect(r.terms.l2).toBeCloseTo(l2, 6);
    expect(l2).toBeGreaterThan(0);
    expect(r.loss).toBeCloseTo(r.terms.ce_nat + r.terms.l2, 5);
    tf.dispose([x, y]); optimizer.dispose(); m.dispose();
  });
});
