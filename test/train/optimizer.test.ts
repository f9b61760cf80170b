/** Optimisers against PyTorch's update rules in float64, state round trips, the LR schedule. */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src-main/engine/tf.js';
import '@tensorflow/tfjs-backend-cpu';
import { createOptimizer } from '../../src-main/engine/train/optimizer.js';
import { learningRateAt } from '../../src-main/engine/train/schedule.js';

beforeAll(async () => { await tf.setBackend('cpu'); });

// Gradient of f(p) = sum(p^2 * c) is 2 c p; three steps from p0.
const P0 = [0.5, -1.5, 2.0];
const C = [1, 0.3, -0.2];
const grad = (p: number[]) => p.map((v, i) => 2 * C[i] * v);

function reference(name: 'adam' | 'sgd', lr: number, momentum: number, wd: number, steps: number): number[] {
  const p = [...P0];
  const m = [0, 0, 0], v = [0, 0, 0], buf = [0, 0, 0];
  for (let t = 1; t <= steps; t++) {
    const g = grad(p).map((x, i) => x + wd * p[i]);
    for (let i = 0; i < 3; i++) {
      if (name === 'adam') {
        m[i] = 0.9 * m[i] + 0.1 * g[i];
        v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
        p[i] -= lr * (m[i] / (1 - 0.9 ** t)) / (Math.sqrt(v[i] / (1 - 0.999 ** t)) + 1e-8);
      } else {
        buf[i] = momentum * buf[i] + g[i];
        p[i] -= lr * buf[i];
      }
    }
  }
  return p;
}

function trainTf(name: 'adam' | 'sgd', lr: number, momentum: number, wd: number, steps: number) {
  const p = tf.variable(tf.tensor1d(P0), true, `opt-test-${name}-${Math.random()}`);
  const opt = createOptimizer(name, [p], { momentum, weightDecay: wd });
  const before = tf.memory().numTensors;
  const counts: number[] = [];
  for (let t = 0; t < steps; t++) {
    const { grads, value } = tf.variableGrads(() => tf.sum(tf.mul(tf.square(p), tf.tensor1d(C))) as tf.Scalar, [p]);
    opt.apply(grads, lr);
    tf.dispose([value, ...Object.values(grads)]);
    counts.push(tf.memory().numTensors);
  }
  return { p, opt, before, counts };
}

describe('optimizers', () => {
  it.each([
    { name: 'adam' as const, lr: 0.1, momentum: 0, wd: 0 },
    { name: 'adam' as const, lr: 0.01, momentum: 0, wd: 5e-4 },
    { name: 'sgd' as const, lr: 0.1, momentum: 0.9, wd: 0 },
    { name: 'sgd' as const, lr: 0.05, momentum: 0.9, wd: 5e-4 },
  ])('$name (lr=$lr, momentum=$momentum, weightDecay=$wd): 5 steps equal the PyTorch rule to 1e-5, no leaks', ({ name, lr, momentum, wd }) => {
    const { p, opt, before, counts } = trainTf(name, lr, momentum, wd, 5);
    const expected = reference(name, lr, momentum, wd, 5);
    Array.from(p.dataSync()).forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThan(1e-5));
    expect(counts.every((c) => c === before)).toBe(true);
    expect(opt.iterations).toBe(5);
    opt.dispose(); p.dispose();
  });

  it.each(['adam', 'sgd'] as const)('%s: state exported after 2 steps and imported into a fresh optimiser continues identically', async (name) => {
    const a = trainTf(name, 0.05, 0.9, 0, 2);
    const state = await a.opt.exportState();
    expect(state.iterations).toBe(2);
    const p2 = tf.variable(tf.tensor1d(Array.from(a.p.dataSync())), true, `opt-test-copy-${Math.random()}`);
    const fresh = createOptimizer(name, [p2], { momentum: 0.9, weightDecay: 0 });
    expect(() => fresh.importState({ ...state, name: name === 'adam' ? 'sgd' : 'adam' })).toThrow(/checkpoint holds/);
    // names are stable weight names: the copy's variable name differs, so map the slots by position
    const renamed = Object.fromEntries(Object.entries(state.slots).map(([k, v]) => [k.replace(/^[^/]+/, p2.name), v]));
    fresh.importState({ ...state, slots: renamed });
    for (const [opt, v] of [[a.opt, a.p], [fresh, p2]] as const) {
      const { grads, value } = tf.variableGrads(() => tf.sum(tf.mul(tf.square(v), tf.tensor1d(C))) as tf.Scalar, [v]);
      opt.apply(grads, 0.05);
      tf.dispose([value, ...Object.values(grads)]);
    }
    expect(Array.from(p2.dataSync())).toEqual(Array.from(a.p.dataSync()));
    [a.opt, fresh].forEach((o) => o.dispose()); a.p.dispose(); p2.dispose();
  });

  it('rejects an unknown optimiser by name', () => {
    expect(() => createOptimizer('rmsprop' as 'adam', [], { momentum: 0, weightDecay: 0 })).toThrow(/unknown optimizer "rmsprop"/);
  });
});

describe('learning-rate schedule (supplementary 6, MultiStepLR)', () => {
  it.each([[1, 1e-3], [80, 1e-3], [81, 1e-4], [120, 1e-4], [121, 1e-5], [161, 1e-6], [200, 1e-6]])('epoch %i -> %f', (epoch, lr) => {
    expect(learningRateAt(epoch, 1e-3, [80, 120, 160], 0.1)).toBeCloseTo(lr, 12);
  });
  it('epoch 0 is rejected', () => { expect(() => learningRateAt(0, 1e-3, [80], 0.1)).toThrow(/epoch must be an integer >= 1, got 0/); });
});
