/**
 * The training adversaries ascend their losses: PGD's cross-entropy and TRADES' KL(h(x) || h(x'))
 * grow from the clean images (and from the start point) over the iterations. Each k runs the
 * adversary with k steps from the same seeded start, so the k-step result is the k-th iterate of
 * one trajectory. Tiny dense model, cpu backend, eps 0.1, step 0.01.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src-main/engine/tf.js';
import '@tensorflow/tfjs-backend-cpu';
import { parseRunConfig } from '../../src-main/shared/run-config.js';
import { pgdAdversary, tradesAdversary } from '../../src-main/engine/objectives/adversaries.js';
import type { ObjectiveContext } from '../../src-main/engine/objectives/objective.js';
import { klPerSample, crossEntropy } from '../../src-main/engine/objectives/terms.js';
import { Rng } from '../../src-main/engine/rng.js';
import { tinyModel } from './tiny-model.js';

beforeAll(async () => { await tf.setBackend('cpu'); });

const B = 12, K = 3, EPS = 0.1, STEP = 0.01;
const model = tinyModel(K, 2);
const rng = new Rng(21);
const x = tf.tensor4d(Float32Array.from({ length: B * 16 }, () => 0.2 + 0.6 * rng.next()), [B, 4, 4, 1]);
const y = tf.tensor1d(Array.from({ length: B }, (_, i) => i % K), 'int32');

function ctx(pgdSteps: number, randomStart: boolean): ObjectiveContext {
  const config = parseRunConfig({ dataset: 'synthetic', defense: 'adv', pgdSteps, randomStart });
  return { model, config, eps: EPS, stepSize: STEP, rng: new Rng(5), epoch: 1, step: 0 };
}

const ceAt = (xa: tf.Tensor4D): number => tf.tidy(() => crossEntropy(model.forward(xa, { training: true }).logits, y).dataSync()[0]);
const klAt = (xa: tf.Tensor4D): number => tf.tidy(() =>
  tf.mean(klPerSample(model.forward(x, { training: true }).logits, model.forward(xa, { training: true }).logits)).dataSync()[0]);

/** Loss at the k-step adversary's output for k = 1..steps (one trajectory: same seeded start). */
function trajectory(adversary: (c: ObjectiveContext) => tf.Tensor4D, loss: (xa: tf.Tensor4D) => number, steps: number, randomStart: boolean): number[] {
  return Array.from({ length: steps }, (_, i) => {
    const xa = adversary(ctx(i + 1, randomStart));
    const v = loss(xa);
    xa.dispose();
    return v;
  });
}

describe('training adversaries increase their loss (tiny dense model, B = 12, eps 0.1, step 0.01)', () => {
  it.each([false, true])('PGD-CE, random start %s: CE after k = 1..10 steps is above the clean CE and grows with k', (randomStart) => {
    const clean = ceAt(x);
    const ce = trajectory((c) => pgdAdversary(c, x, y), ceAt, 10, randomStart);
    for (const v of ce) expect(v).toBeGreaterThan(clean);
    for (let k = 1; k < ce.length; k++) expect(ce[k]).toBeGreaterThanOrEqual(ce[k - 1] - 1e-6);
    expect(ce[ce.length - 1] - clean).toBeGreaterThan(0.05);
  });

  it('TRADES KL adversary: KL(h(x) || h(x_k)) after k = 1..10 steps grows with k from about 0 (start x + 0.001 N(0, 1))', () => {
    const klv = trajectory((c) => tradesAdversary(c, x), klAt, 10, false);
    for (let k = 1; k < klv.length; k++) expect(klv[k]).toBeGreaterThanOrEqual(klv[k - 1] - 1e-7);
    expect(klv[klv.length - 1]).toBeGreaterThan(20 * klv[0]);
    expect(klv[klv.length - 1]).toBeGreaterThan(1e-3);
  });
});
