import { beforeAll, describe, expect, it } from 'vitest';
import '@tensorflow/tfjs-backend-cpu';
import { tf } from '../../src-main/engine/tf.js';
import { createModel, getNamedWeights } from '../../src-main/engine/models/index.js';
import type { ModelName } from '../../src-main/shared/options.js';
import { goldenResnet20, maxAbsDiff } from './golden.js';

beforeAll(async () => { await tf.setBackend('cpu'); });

const count = (vs: tf.Variable[]): number => vs.reduce((a, v) => a + v.size, 0);

// Trainable parameter counts of the reference structures (10 classes, 32x32x3):
//   cnn: convs 1792 + 36928 + 73856 + 147584, FCs 3200*256+256, 256*256+256, 256*10+10
//   resnet20 / resnet50: PyTorch's sum(p.numel()) for the layouts in make_resnet20_golden.py and the
//   authors' resnet.py ResNet50 (run with python3-torch 1.13).
// resnet50 runs on 8x8 inputs here (the count does not depend on the input size): 32x32 costs ~15 s on cpu.
const cases: Array<[ModelName, number, number, number]> = [
  ['small-cnn', 128, 545_098, 32],
  ['cnn', 256, 1_147_978, 32],
  ['resnet20', 64, 272_474, 32],
  ['resnet50', 2048, 23_520_842, 8],
];

describe('model architectures (cpu backend)', () => {
  for (const [name, latentDim, params, side] of cases) {
    it(`${name}: [2,${side},${side},3] -> logits [2,10], latent [2,${latentDim}], p1 [2,128]; ${params} trainable params (+128*${latentDim}+128 head); no leak`, async () => {
      const m = createModel(name, { inputShape: [side, side, 3], numClasses: 10, projectionHead: 'p1', seed: 3 });
      expect(m.latentDim).toBe(latentDim);
      expect(count(m.trainableVariables())).toBe(params + 128 * latentDim + 128);
      const x = tf.randomUniform([2, side, side, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
      const n0 = tf.memory().numTensors;
      for (const training of [true, false]) {
        const o = m.forward(x, { training });
        expect(o.logits.shape).toEqual([2, 10]);
        expect(o.latent.shape).toEqual([2, latentDim]);
        expect(o.projection?.shape).toEqual([2, 128]);
        expect(Number.isFinite(tf.tidy(() => tf.sum(o.logits).arraySync() as number))).toBe(true);
        tf.dispose([o.logits, o.latent, o.projection!]);
      }
      expect(tf.memory().numTensors).toBe(n0);
      const names = Object.keys(await getNamedWeights(m));
      expect(new Set(names).size).toBe(names.length);
      x.dispose(); m.dispose();
    });
  }

  it('cnn and resnet20 take MNIST [28,28,1] and 100 classes', () => {
    for (const name of ['cnn', 'resnet20'] as const) {
      const m = createModel(name, { inputShape: [28, 28, 1], numClasses: 100, projectionHead: 'p2', seed: 1 });
      const o = m.forward(tf.zeros([1, 28, 28, 1]), { training: false });
      expect(o.logits.shape).toEqual([1, 100]);
      tf.dispose([o.logits, o.latent, o.projection!]);
      m.dispose();
    }
  });
});

describe('resnet20 against PyTorch (golden/resnet20.*, make_resnet20_golden.py)', () => {
  it('eval and train mode logits/latent within 1e-4, running stats after a train-mode pass within 1e-5 (momentum 0.1, unbiased var)', async () => {
    const { g, weights, model: m, x } = goldenResnet20();
    const ev = m.forward(x, { training: false });
    expect(maxAbsDiff(ev.logits.dataSync(), g['eval/logits'].data)).toBeLessThan(1e-4);
    expect(maxAbsDiff(ev.latent.dataSync(), g['eval/latent'].data)).toBeLessThan(1e-4);
    // inference mode leaves the running statistics alone
    expect((await getNamedWeights(m))['layer2.0/1/bn/moving_mean'].data).toEqual(weights['layer2.0/1/bn/moving_mean'].data);
    const tr = m.forward(x, { training: true });
    expect(maxAbsDiff(tr.logits.dataSync(), g['train/logits'].data)).toBeLessThan(1e-4);
    expect(maxAbsDiff(tr.latent.dataSync(), g['train/latent'].data)).toBeLessThan(1e-4);
    const after = await getNamedWeights(m);
    let compared = 0;
    for (const [k, v] of Object.entries(g)) {
      if (!k.startsWith('after_train/')) continue;
      const name = k.slice('after_train/'.length);
      expect(maxAbsDiff(after[name].data, v.data), name).toBeLessThan(1e-5);
      expect(maxAbsDiff(after[name].data, weights[name].data), `${name} changed`).toBeGreaterThan(1e-6);
      compared++;
    }
    expect(compared).toBe(2 * (1 + 18 + 2)); // stem, 9 blocks x 2, 2 shortcuts; mean and variance each
    tf.dispose([x, ev.logits, ev.latent, tr.logits, tr.latent]);
    m.dispose();
  });
});
