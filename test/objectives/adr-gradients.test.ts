/**
 * ADR's stop-gradients (compact_loss_pt's `.detach()`): lc_com, lc_smt and gb_com carry gradient
 * through the adversarial branch only, conf acts on the adversarial branch alone, so with
 * lambdaNat = 0 (the baseline script's adr_pgd) no term of the loss reaches the natural images.
 * Checked with tf.grads with respect to the natural and the adversarial input of the tiny dense model
 * (cpu backend), and against the same terms written without stop-gradient.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src-main/engine/tf.js';
import '@tensorflow/tfjs-backend-cpu';
import { parseRunConfig } from '../../src-main/shared/run-config.js';
import { adrObjective } from '../../src-main/engine/objectives/adr.js';
import type { ObjectiveContext } from '../../src-main/engine/objectives/objective.js';
import { Rng } from '../../src-main/engine/rng.js';
import { tinyModel } from './tiny-model.js';

beforeAll(async () => { await tf.setBackend('cpu'); });

const B = 6, K = 3;
const model = tinyModel(K, 4);
const rng = new Rng(11);
const xNat = tf.tensor4d(Float32Array.from({ length: B * 16 }, () => rng.next()), [B, 4, 4, 1]);
const xAdv = tf.tensor4d(Float32Array.from({ length: B * 16 }, (_, i) => xNat.dataSync()[i] + 0.2 * (rng.next() - 0.5)), [B, 4, 4, 1]);
const y = tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32');

function ctxFor(lambdaNat: number): ObjectiveContext {
  const config = parseRunConfig({ dataset: 'synthetic', defense: 'adr', adversary: 'pgd', lambdaNat });
  return { model, config, eps: 0.1, stepSize: 0.03, rng: new Rng(1), epoch: 1, step: 0 };
}

/** d term / d xNat and d term / d xAdv, term = a recorded ADR term or the whole loss ('loss'). */
function gradsOf(term: string, lambdaNat = 0): { nat: Float32Array; adv: Float32Array } {
  const ctx = ctxFor(lambdaNat);
  const f = (a: tf.Tensor, b: tf.Tensor): tf.Scalar => {
    let picked: tf.Scalar | null = null;
    const loss = adrObjective.loss(ctx, { x: a as tf.Tensor4D, y, xAdv: b as tf.Tensor4D }, (n, v) => { if (n === term) picked = tf.keep(v); });
    if (term === 'loss') return loss;
    if (!picked) throw new Error(`gradsOf: ADR recorded no term ${term}`);
    return picked;
  };
  const [gn, ga] = tf.tidy(() => tf.grads(f)([xNat, xAdv]));
  const out = { nat: gn.dataSync() as Float32Array, adv: ga.dataSync() as Float32Array };
  tf.dispose([gn, ga]);
  return out;
}

const maxAbs = (a: Float32Array): number => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

describe('ADR stop-gradients (tiny dense model, B = 6, K = 3, cpu)', () => {
  it.each(['lc_com', 'lc_smt', 'gb_com'])('%s: zero gradient wrt the natural images (detached), non-zero wrt the adversarial ones', (term) => {
    const g = gradsOf(term);
    expect(maxAbs(g.nat)).toBe(0);
    expect(maxAbs(g.adv)).toBeGreaterThan(1e-4);
  });

  it('conf: not connected to the natural images at all (tf.grads refuses), non-zero gradient wrt the adversarial ones', () => {
    expect(() => gradsOf('conf')).toThrow(/Cannot compute gradient/);
    const ctx = ctxFor(0);
    const g = tf.tidy(() => tf.grad((b: tf.Tensor) => {
      let picked: tf.Scalar | null = null;
      adrObjective.loss(ctx, { x: xNat, y, xAdv: b as tf.Tensor4D }, (n, v) => { if (n === 'conf') picked = tf.keep(v); });
      if (!picked) throw new Error('ADR recorded no conf term');
      return picked;
    })(xAdv).dataSync() as Float32Array);
    expect(maxAbs(g)).toBeGreaterThan(1e-4);
  });

  it('whole loss with lambdaNat = 0 (adr_pgd): zero gradient wrt x; with lambdaNat = 1 it equals d CE(h(x), y) / dx', () => {
    expect(maxAbs(gradsOf('loss', 0).nat)).toBe(0);
    const withNat = gradsOf('loss', 1).nat;
    const ce = tf.tidy(() => tf.grad((a: tf.Tensor) => tf.losses.softmaxCrossEntropy(tf.oneHot(y, K), model.forward(a as tf.Tensor4D, { training: true }).logits) as tf.Scalar)(xNat).dataSync());
    expect(maxAbs(withNat)).toBeGreaterThan(1e-4);
    for (let i = 0; i < ce.length; i++) expect(Math.abs(withNat[i] - ce[i])).toBeLessThanOrEqual(1e-6);
  });

  it('lc_com without the stop-gradient would reach x; with it, d/dx_adv equals that of mean|const z(x) - z(x_adv)| within 1e-6', () => {
    const zNatConst = tf.tidy(() => model.forward(xNat, { training: true }).latent);
    const free = tf.tidy(() => tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.mean(tf.abs(tf.sub(
      model.forward(a as tf.Tensor4D, { training: true }).latent, model.forward(b as tf.Tensor4D, { training: true }).latent))) as tf.Scalar)([xNat, xAdv])
      .map((t) => t.dataSync() as Float32Array));
    const constant = tf.tidy(() => tf.grad((b: tf.Tensor) => tf.mean(tf.abs(tf.sub(zNatConst, model.forward(b as tf.Tensor4D, { training: true }).latent))) as tf.Scalar)(xAdv).dataSync() as Float32Array);
    zNatConst.dispose();
    expect(maxAbs(free[0])).toBeGreaterThan(1e-4); // the test would notice a missing stop-gradient
    const g = gradsOf('lc_com');
    for (let i = 0; i < constant.length; i++) expect(Math.abs(g.adv[i] - constant[i])).toBeLessThanOrEqual(1e-6);
  });
});
