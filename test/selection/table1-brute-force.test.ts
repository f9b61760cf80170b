/**
 * The literal reading of Table 1 and eqs. 1-3 (`leakedCounterpart: paper`, `adversarialAnchorKey:
 * paper`, `sclReduction: eq3`) against an independent float64 brute force written from the paper,
 * on random batches. The golden values (test/fixtures/golden) hold the code's reading only.
 *
 * Brute force, per anchor x_i (eq. 1) and x_i^a (eq. 2), with the SAME sets for both (eq. 2 uses Z_i^+,
 * Z_i^- of x_i, keyed on the anchor's label y_i and prediction p_i):
 *   Z_i^+, Z_i^- over the members x_j, x_j^a (j != i) by the conditions of Table 1's row,
 *   L = -1/(|Z+|+1) sum_{z in Z+ ∪ {c}} log( e^{s(z, a)} / sum_{z' in Z+ ∪ Z- ∪ {c}} e^{s(z', a)} ),
 *   with a the anchor's latent, c its counterpart (z_i^a for x_i, z_i for x_i^a), s = sim / tau;
 *   L_SCL = (1/N) sum_i (L_i + L_i^a) (eq. 3).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src-main/engine/tf.js';
import '@tensorflow/tfjs-backend-cpu';
import { getSelection } from '../../src-main/engine/selection/index.js';
import { supervisedContrastiveLoss } from '../../src-main/engine/objectives/supervised-contrastive.js';
import { Rng } from '../../src-main/engine/rng.js';
import type { SelectionName } from '../../src-main/shared/options.js';

beforeAll(async () => { await tf.setBackend('cpu'); });

type Sim = 'cosine' | 'l2' | 'l1';

interface Batch { b: number; d: number; z: Float64Array; y: Int32Array; p: Int32Array; tau: number; sim: Sim }

function normal(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

function randomBatch(seed: number): Batch {
  const rng = new Rng(seed);
  const b = 3 + rng.int(10), d = 2 + rng.int(6), k = 2 + rng.int(3);
  const z = new Float64Array(2 * b * d);
  for (let i = 0; i < z.length; i++) z[i] = normal(rng);
  const y = new Int32Array(b);
  for (let i = 0; i < b; i++) y[i] = rng.int(k);
  const p = new Int32Array(2 * b);
  for (let i = 0; i < 2 * b; i++) p[i] = rng.int(k);
  const sims: Sim[] = ['cosine', 'l2', 'l1'];
  return { b, d, z, y, p, tau: [0.07, 0.2, 1][rng.int(3)], sim: sims[rng.int(3)] };
}

/** sim(z_u, z_v) / tau in float64. */
function s(t: Batch, u: number, v: number): number {
  const { d, z } = t;
  let dot = 0, nu = 0, nv = 0, l2 = 0, l1 = 0;
  for (let k = 0; k < d; k++) {
    const a = z[u * d + k], c = z[v * d + k];
    dot += a * c; nu += a * a; nv += c * c; l2 += (a - c) ** 2; l1 += Math.abs(a - c);
  }
  const sim = t.sim === 'cosine' ? dot / (Math.max(Math.sqrt(nu), 1e-12) * Math.max(Math.sqrt(nv), 1e-12)) : t.sim === 'l2' ? -Math.sqrt(l2) : -l1;
  return sim / t.tau;
}

/** Table 1: is member m (x_j or x_j^a, j != i, prediction pm) in Z_i^+ (1), Z_i^- (-1) or neither (0)? */
function tableOne(strategy: SelectionName, yi: number, pi: number, yj: number, pm: number): 1 | -1 | 0 {
  const same = yj === yi;
  switch (strategy) {
    case 'global': return same ? 1 : -1;
    case 'hard': return same ? 1 : pm === yi ? -1 : 0;
    case 'soft': return same ? 1 : pm === pi ? -1 : 0;
    case 'leaked': return pm !== pi ? 0 : same ? 1 : -1;
  }
}

function bruteForceEq3(t: Batch, strategy: SelectionName): number {
  const { b, y, p } = t;
  let total = 0;
  for (let i = 0; i < b; i++) {
    const pos: number[] = [], neg: number[] = [];
    for (let j = 0; j < b; j++) {
      if (j === i) continue;
      for (const m of [j, j + b]) {
        const r = tableOne(strategy, y[i], p[i], y[j], p[m]);
        if (r === 1) pos.push(m); else if (r === -1) neg.push(m);
      }
    }
    // eq. 1 (anchor x_i, counterpart x_i^a) and eq. 2 (anchor x_i^a, counterpart x_i), same sets
    for (const [anchor, counterpart] of [[i, i + b], [i + b, i]]) {
      const positives = [...pos, counterpart];
      const all = [...positives, ...neg];
      let lse = 0;
      const m = Math.max(...all.map((u) => s(t, u, anchor)));
      for (const u of all) lse += Math.exp(s(t, u, anchor) - m);
      const logDen = Math.log(lse) + m;
      let acc = 0;
      for (const u of positives) acc += s(t, u, anchor) - logDen;
      total += -acc / positives.length;
    }
  }
  return total / b; // eq. 3: (1/N) sum_i (L_i + L_i^a)
}

function engineEq3(t: Batch, strategy: SelectionName): number {
  return tf.tidy(() => {
    const masks = getSelection(strategy).masks({
      labels: tf.tensor1d([...t.y, ...t.y], 'int32'), preds: tf.tensor1d(t.p, 'int32'), leakedCounterpart: 'paper', adversarialAnchorKey: 'paper',
    });
    const z = tf.tensor2d(Float32Array.from(t.z), [2 * t.b, t.d], 'float32');
    return supervisedContrastiveLoss(z, masks, { distance: t.sim, normalize: false, tau: t.tau, reduction: 'eq3' }).dataSync()[0];
  });
}

const CASES = Array.from({ length: 60 }, (_, seed) => seed);
const STRATEGIES: SelectionName[] = ['global', 'hard', 'soft', 'leaked'];

describe('Table 1, literal paper reading (counterpart paper, key p_i, eq. 3) against a float64 brute force', () => {
  it.each(STRATEGIES)('%s: 60 random batches (B 3-12, D 2-7, K 2-4, cosine/l2/l1, tau 0.07/0.2/1) within 1e-4 relative', (strategy) => {
    let worst = 0;
    for (const seed of CASES) {
      const t = randomBatch(1000 + seed);
      const expected = bruteForceEq3(t, strategy);
      const got = engineEq3(t, strategy);
      const rel = Math.abs(got - expected) / Math.max(Math.abs(expected), 1e-6);
      worst = Math.max(worst, rel);
      expect(rel, `seed ${seed}: engine ${got}, brute force ${expected}`).toBeLessThanOrEqual(1e-4);
    }
    expect(worst).toBeLessThanOrEqual(1e-4);
  });

  it('soft and leaked: the code\'s reading (key p_i^a) differs from the literal one on some of the 60 batches', () => {
    // The two readings coincide whenever p_i^a = p_i for every i; random predictions make them differ.
    let differing = 0;
    for (const seed of CASES) {
      const t = randomBatch(1000 + seed);
      const code = tf.tidy(() => {
        const masks = getSelection('soft').masks({
          labels: tf.tensor1d([...t.y, ...t.y], 'int32'), preds: tf.tensor1d(t.p, 'int32'), leakedCounterpart: 'paper', adversarialAnchorKey: 'code',
        });
        const z = tf.tensor2d(Float32Array.from(t.z), [2 * t.b, t.d], 'float32');
        return supervisedContrastiveLoss(z, masks, { distance: t.sim, normalize: false, tau: t.tau, reduction: 'eq3' }).dataSync()[0];
      });
      const literal = bruteForceEq3(t, 'soft');
      if (Math.abs(code - literal) > 1e-3 * Math.max(Math.abs(literal), 1e-6)) differing++;
    }
    expect(differing).toBeGreaterThan(10);
  });
});
