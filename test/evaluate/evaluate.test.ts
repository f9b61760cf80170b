import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src-main/engine/tf.js';
import { initBackend } from '../../src-main/engine/backend/index.js';
import { evaluateRobustness, inferenceLogits, type EvaluateOptions } from '../../src-main/engine/evaluate/evaluate.js';
import type { ClassifierModel, ForwardOptions } from '../../src-main/engine/models/model.js';
import { linearProblem, type LinearProblem } from '../attacks/linear-model.js';

const EPS = 0.05, N = 40;
let p: LinearProblem;
const opts = (over: Partial<EvaluateOptions> = {}): EvaluateOptions => ({
  logits: p.f, images: p.images, labels: p.labels, shape: [4, 4, 1], numClasses: 5, attack: 'pgd', dataset: 'synthetic',
  eps: EPS, stepSize: EPS / 4, steps: 20, n: N, batchSize: 16, seed: 0, ...over,
});

beforeAll(async () => {
  await initBackend('cpu');
  p = linearProblem({ h: 4, w: 4, k: 5, n: N, eps: EPS, seed: 21 });
});

describe('evaluateRobustness (5-class linear model, 4x4x1, eps 0.05)', () => {
  // Multi-targeted PGD is exact on a linear model (PGD on the cross-entropy need not pick the
  // weakest target when K > 2; linear.test.ts checks PGD on a binary model).
  it('mpgd-20 robust accuracy lies between the closed-form bounds; batches of 16 cover all 40 points', async () => {
    const r = await evaluateRobustness(opts({ attack: 'mpgd' }));
    const sure = Array.from(p.ratio).filter((v) => v < 1).length / N;
    const possible = Array.from(p.ratio).filter((v) => v <= 1.05).length / N;
    expect(r.cleanAccuracy).toBe(1);
    expect(r.robustAccuracy).toBeGreaterThanOrEqual(sure);
    expect(r.robustAccuracy).toBeLessThanOrEqual(possible);
    expect(r.perSample.length).toBe(N);
    expect(r.perSample.reduce((a, b) => a + b, 0) / N).toBeCloseTo(r.robustAccuracy, 10);
    expect(r.stepSize).toBe(EPS / 4);
    expect(r.steps).toBe(20);
  });

  it('clean-misclassified points count as non-robust (3 labels changed)', async () => {
    const labels = Int32Array.from(p.labels);
    for (const i of [0, 5, 9]) labels[i] = (labels[i] + 1) % 5;
    const r = await evaluateRobustness(opts({ labels, attack: 'fgsm' }));
    expect(r.cleanAccuracy).toBeCloseTo((N - 3) / N, 10);
    for (const i of [0, 5, 9]) expect(r.perSample[i]).toBe(0);
  });

  it('fgsm/pgd/mpgd attack only the clean-correct points (3 of 40 relabelled): same outcome as attacking every point, the attack sees 37 rows', async () => {
    const labels = Int32Array.from(p.labels);
    for (const i of [2, 7, 30]) labels[i] = (labels[i] + 1) % 5;
    const rows: number[] = [];
    const counting = (x: tf.Tensor4D) => { rows.push(x.shape[0]); return p.f(x); };
    const r = await evaluateRobustness(opts({ labels, attack: 'fgsm', batchSize: N, logits: counting }));
    // One clean prediction of 40 rows, FGSM's gradient on the 37 correct ones, the per-iteration record's
    // prediction of the 37 iterates (attacks/iteration-trace.ts), the final prediction of 40.
    expect(rows).toEqual([N, N - 3, N - 3, N]);
    // FGSM is deterministic: attacking every point gives the same per-sample outcome.
    const { getAttack } = await import('../../src-main/engine/attacks/index.js');
    const x = tf.tensor4d(p.images.subarray(0, N * 16), [N, 4, 4, 1]);
    const y = tf.tensor1d(labels, 'int32');
    const adv = await getAttack('fgsm').run(p.f, x, y, { eps: EPS, stepSize: EPS / 4, steps: 1, randomStart: true, restarts: 1, numClasses: 5, seed: 0 });
    const cleanPred = tf.tidy(() => Array.from(tf.argMax(p.f(x), 1).dataSync()));
    const advPred = tf.tidy(() => Array.from(tf.argMax(p.f(adv), 1).dataSync()));
    const expected = labels.map((l, i) => (cleanPred[i] === l && advPred[i] === l ? 1 : 0));
    tf.dispose([x, y, adv]);
    expect(Array.from(r.perSample)).toEqual(Array.from(expected));
    for (const i of [2, 7, 30]) expect(r.perSample[i]).toBe(0);
    for (const attack of ['pgd', 'mpgd'] as const) {
      const q = await evaluateRobustness(opts({ labels, attack, steps: 5 }));
      for (const i of [2, 7, 30]) expect(q.perSample[i]).toBe(0);
      expect(q.cleanAccuracy).toBeCloseTo((N - 3) / N, 10);
    }
  });

  it('aa reports the robust accuracy after each of its four attacks, non-increasing, last = robustAccuracy; progress after each attack', async () => {
    const r = await evaluateRobustness(opts({ attack: 'aa', n: 20, batchSize: 20 }));
    const after = Object.values(r.perAttack ?? {});
    expect(Object.keys(r.perAttack ?? {})).toEqual(['apgd-ce', 'apgd-t', 'fab-t', 'square']);
    for (let i = 1; i < after.length; i++) expect(after[i]).toBeLessThanOrEqual(after[i - 1]);
    expect(after[3]).toBeCloseTo(r.robustAccuracy, 10);
    const seen: number[] = [];
    await evaluateRobustness(opts({ attack: 'aa', n: 20, batchSize: 20, onProgress: (done) => seen.push(done) }));
    expect(seen).toEqual([5, 10, 15, 20]);
  });

  it('progress reaches n with a non-negative time estimate; no tensors leak over evaluations with every attack', async () => {
    const seen: number[] = [];
    await evaluateRobustness(opts({ attack: 'mpgd', steps: 5, onProgress: (done, total, eta) => { seen.push(done); expect(total).toBe(N); expect(eta).toBeGreaterThanOrEqual(0); } }));
    expect(seen).toEqual([16, 32, 40]);
    const before = tf.memory().numTensors;
    for (const attack of ['fgsm', 'pgd', 'mpgd', 'apgd-ce', 'apgd-t', 'fab-t', 'square'] as const) {
      await evaluateRobustness(opts({ attack, steps: 3, n: 8, batchSize: 8 }));
    }
    await evaluateRobustness(opts({ attack: 'aa', n: 8, batchSize: 8 }));
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each([
    [{ eps: -0.1 }, /eps/],
    [{ n: N + 1 }, /n = 41 but only 40 images/],
    [{ batchSize: 0 }, /batchSize/],
    [{ attack: 'cw' as never }, /attack/],
    [{ images: new Float32Array(10) }, /images hold 10 values/],
    [{ labels: Int32Array.from({ length: N }, () => 7) }, /label 7 at index 0 is outside \[0, 5\)/],
  ])('rejects bad options %o with a message naming the problem', async (over, message) => {
    await expect(evaluateRobustness(opts(over as Partial<EvaluateOptions>))).rejects.toThrow(message);
  });
});

describe('inferenceLogits', () => {
  it('calls forward with training: false and returns its logits', () => {
    const calls: ForwardOptions[] = [];
    const model = {
      forward: (x: tf.Tensor4D, o: ForwardOptions) => { calls.push(o); return { logits: tf.ones([x.shape[0], 3]) as tf.Tensor2D, latent: tf.zeros([x.shape[0], 2]) as tf.Tensor2D, projection: null }; },
    } as unknown as ClassifierModel;
    const z = tf.tidy(() => inferenceLogits(model)(tf.zeros([2, 4, 4, 1])).arraySync());
    expect(calls).toEqual([{ training: false }]);
    expect(z).toEqual([[1, 1, 1], [1, 1, 1]]);
  });
});
