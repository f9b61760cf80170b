/**
 * Each objective's loss is the documented combination of its recorded terms, each term matches a
 * float64 closed form, terms switch off with their lambda, and the adversaries stay in the eps-ball.
 * Tiny dense model on the cpu backend.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src-main/engine/tf.js';
import '@tensorflow/tfjs-backend-cpu';
import { parseRunConfig, type RunConfigInput } from '../../src-main/shared/run-config.js';
import { getObjective, objectiveRegistry } from '../../src-main/engine/objectives/index.js';
import type { ObjectiveContext } from '../../src-main/engine/objectives/objective.js';
import { stopGradient } from '../../src-main/engine/objectives/terms.js';
import { ADR_WEIGHTS } from '../../src-main/engine/objectives/adr.js';
import { Rng } from '../../src-main/engine/rng.js';
import { tinyModel } from './tiny-model.js';

beforeAll(async () => { await tf.setBackend('cpu'); });

const B = 6, K = 3;

function batch(seed: number) {
  const rng = new Rng(seed);
  const x = tf.tensor4d(Float32Array.from({ length: B * 16 }, () => rng.next()), [B, 4, 4, 1]);
  const y = tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32');
  return { x, y };
}

function run(config: RunConfigInput, head: 'none' | 'p1' = 'none') {
  const c = parseRunConfig({ dataset: 'synthetic', pgdSteps: 3, ...config, projectionHead: head });
  const model = tinyModel(K, 3, head);
  const { x, y } = batch(5);
  const ctx: ObjectiveContext = {
    model, config: c, eps: 0.1, stepSize: 0.03, rng: new Rng(9), epoch: 1, step: 0,
    augment: (t) => tf.tidy(() => tf.reverse(t, 2)),
  };
  const objective = getObjective(c.defense);
  const prepared = objective.prepare(ctx, x, y);
  const terms: Record<string, number> = {};
  const loss = tf.tidy(() => objective.loss(ctx, prepared, (n, v) => { terms[n] = v.dataSync()[0]; }).dataSync()[0]);
  // float64 reference inputs: logits and latents of both views in training mode (no batch norm here)
  const ref = tf.tidy(() => {
    const nat = model.forward(x, { training: true });
    const adv = model.forward(prepared.xAdv ?? x, { training: true });
    return { ln: nat.logits.arraySync(), la: adv.logits.arraySync(), zn: nat.latent.arraySync(), za: adv.latent.arraySync() };
  });
  const dev = prepared.xAdv ? tf.tidy(() => ({
    maxDelta: tf.max(tf.abs(tf.sub(prepared.xAdv as tf.Tensor, x))).dataSync()[0],
    min: tf.min(prepared.xAdv as tf.Tensor).dataSync()[0], max: tf.max(prepared.xAdv as tf.Tensor).dataSync()[0],
  })) : null;
  if (prepared.xAdv) prepared.xAdv.dispose();
  tf.dispose([x, y]);
  model.dispose();
  return { loss, terms, ref, dev, c };
}

const logSoftmax = (l: number[]) => { const m = Math.max(...l); const s = Math.log(l.reduce((a, v) => a + Math.exp(v - m), 0)) + m; return l.map((v) => v - s); };
const ce = (L: number[][], y: number[]) => L.reduce((s, l, i) => s - logSoftmax(l)[y[i]], 0) / L.length;
const kl = (P: number[][], Q: number[][]) => P.reduce((s, p, i) => {
  const lp = logSoftmax(p), lq = logSoftmax(Q[i]);
  return s + lp.reduce((t, v, k) => t + Math.exp(v) * (v - lq[k]), 0);
}, 0) / P.length;
const Y = [0, 1, 2, 0, 1, 2];
const close = (a: number, b: number, tol = 1e-5) => expect(Math.abs(a - b)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b)));

describe('objectives', () => {
  it('every defense of options.ts has a registered objective', () => {
    expect(objectiveRegistry.names().sort()).toEqual(['adr', 'adv', 'ascl', 'nat', 'scl', 'trades']);
  });

  it('nat: loss = CE(nat)', () => {
    const { loss, terms, ref } = run({ defense: 'nat' });
    close(terms.ce_nat, ce(ref.ln, Y));
    close(loss, terms.ce_nat);
  });

  it.each([0, 1, 0.5])('adv (lambdaNat=%f): loss = lambdaNat*CE(nat) + CE(adv), x_adv in the eps-ball and [0,1]', (lambdaNat) => {
    const { loss, terms, ref, dev } = run({ defense: 'adv', lambdaNat });
    close(terms.ce_nat, ce(ref.ln, Y));
    close(terms.ce_adv, ce(ref.la, Y));
    close(loss, lambdaNat * terms.ce_nat + terms.ce_adv);
    expect(dev!.maxDelta).toBeLessThanOrEqual(0.1 + 1e-6);
    expect(dev!.maxDelta).toBeGreaterThan(0.05);
    expect(dev!.min).toBeGreaterThanOrEqual(0);
    expect(dev!.max).toBeLessThanOrEqual(1);
  });

  it.each([1, 6])('trades (beta=%i): loss = CE(nat) + beta * KL(nat||adv) (sum/batch)', (tradesBeta) => {
    const { loss, terms, ref, dev } = run({ defense: 'trades', tradesBeta });
    close(terms.kl, kl(ref.ln, ref.la));
    expect(terms.kl).toBeGreaterThan(0);
    close(loss, terms.ce_nat + tradesBeta * terms.kl);
    expect(dev!.maxDelta).toBeLessThanOrEqual(0.1 + 1e-6);
  });

  it.each(['pgd', 'trades'] as const)('adr (adversary=%s): loss = L_AT + lc_com + lc_smt + gb_com + conf, terms match compact_loss_pt', (adversary) => {
    const { loss, terms, ref } = run({ defense: 'adr', adversary });
    const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    close(terms.lc_com, mean(ref.zn.map((z, i) => mean(z.map((v, k) => Math.abs(v - ref.za[i][k]))))));
    const soft = (t: number[], l: number[]) => { const pt = logSoftmax(t).map(Math.exp); const ll = logSoftmax(l); return -pt.reduce((s, p, k) => s + p * ll[k], 0); };
    close(terms.lc_smt, mean(ref.ln.map((t, i) => soft(t, ref.la[i]))));
    close(terms.conf, mean(ref.la.map((l) => soft(l, l))));
    let gb = 0;
    for (let i = 0; i < B; i++) for (let j = 0; j < B; j++) {
      const w = Y[i] === Y[j] ? 1 : (0.99 - 1) / 0.99;
      gb += w * mean(ref.zn[j].map((v, k) => Math.abs(v - ref.za[i][k])));
    }
    close(terms.gb_com, gb / (B * B));
    const lat = adversary === 'pgd' ? terms.ce_nat + terms.ce_adv : terms.ce_nat + 6 * terms.kl;
    close(loss, lat + ADR_WEIGHTS.lcCom * terms.lc_com + ADR_WEIGHTS.lcSmt * terms.lc_smt + ADR_WEIGHTS.gbCom * terms.gb_com + ADR_WEIGHTS.conf * terms.conf);
  });

  it('scl: loss = CE(nat) + lambdaScl * L_SCL on the augmented second view, counts recorded', () => {
    const { loss, terms } = run({ defense: 'scl', lambdaScl: 2 });
    close(loss, terms.ce_nat + 2 * terms.scl);
    // Global selection, labels [0,1,2,0,1,2] doubled: 3 positives and 8 negatives per anchor.
    close(terms.pos_benign + terms.pos_adv, 3);
    close(terms.neg_benign + terms.neg_adv, 8);
  });

  it.each([
    { lambdaScl: 1, lambdaVat: 2, adversary: 'pgd', vatScaling: 'paper' },
    { lambdaScl: 0, lambdaVat: 2, adversary: 'pgd', vatScaling: 'paper' },
    { lambdaScl: 1, lambdaVat: 0, adversary: 'pgd', vatScaling: 'paper' },
    { lambdaScl: 0, lambdaVat: 0, adversary: 'pgd', vatScaling: 'paper' },
    { lambdaScl: 1, lambdaVat: 2, adversary: 'trades', vatScaling: 'code' },
  ] as const)('ascl (lambdaScl=$lambdaScl, lambdaVat=$lambdaVat, $adversary, vat $vatScaling): eq. 6 composition, switched-off terms absent',
    ({ lambdaScl, lambdaVat, adversary, vatScaling }) => {
      const { loss, terms, ref } = run({ defense: 'ascl', lambdaScl, lambdaVat, adversary, vatScaling, selection: 'leaked' });
      const lat = adversary === 'pgd' ? terms.ce_nat + terms.ce_adv : terms.ce_nat + 6 * terms.kl;
      expect('scl' in terms).toBe(lambdaScl > 0);
      expect('vat' in terms).toBe(lambdaVat > 0);
      if (lambdaVat > 0) close(terms.vat, kl(ref.ln, ref.la) / (vatScaling === 'code' ? K : 1));
      close(loss, lat + (terms.scl ?? 0) * lambdaScl + (terms.vat ?? 0) * lambdaVat);
    });

  it('ascl with projection head p1 applies L_SCL to the projection (differs from the latent one)', () => {
    const plain = run({ defense: 'ascl', selection: 'global' }, 'none');
    const head = run({ defense: 'ascl', selection: 'global' }, 'p1');
    expect(Math.abs(plain.terms.scl - head.terms.scl)).toBeGreaterThan(1e-4);
  });

  it('stopGradient passes values and blocks gradients (ADR\'s detach)', () => {
    const g = tf.tidy(() => tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(stopGradient(a), b)))([tf.tensor1d([1, 2]), tf.tensor1d([3, 4])]).map((t) => Array.from(t.dataSync())));
    expect(g[0]).toEqual([0, 0]);
    expect(g[1]).toEqual([1, 2]);
  });
});
