import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src-main/engine/tf.js';
import { initBackend } from '../../src-main/engine/backend/index.js';
import { Rng } from '../../src-main/engine/rng.js';
import {
  absoluteInterClassDivergence, absoluteIntraClassDivergence, batchDivergences, latentDivergences, relativeIntraClassDivergence,
} from '../../src-main/engine/analysis/divergence.js';

beforeAll(async () => { await initBackend('cpu'); });

const t2 = (rows: number[][]) => tf.tensor2d(rows);

/** Section 2's definitions written out with explicit sets, as an independent check. */
function bruteForce(z: number[][], za: number[][], y: number[], own: boolean) {
  const cos = (a: number[], b: number[]) => {
    const dot = a.reduce((s, v, i) => s + v * b[i], 0);
    return dot / (Math.hypot(...a) * Math.hypot(...b));
  };
  const plus: number[] = [], minus: number[] = [];
  for (let i = 0; i < z.length; i++) {
    const pos: number[][] = [], neg: number[][] = [];
    for (let j = 0; j < z.length; j++) {
      if (j === i) { if (own) pos.push(za[i]); continue; }
      (y[j] === y[i] ? pos : neg).push(z[j], za[j]);
    }
    if (pos.length) plus.push(pos.reduce((s, x) => s + 1 - cos(z[i], x), 0) / pos.length);
    if (neg.length) minus.push(neg.reduce((s, x) => s + 1 - cos(z[i], x), 0) / neg.length);
  }
  const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
  return { dPlus: mean(plus), dMinus: mean(minus) };
}

describe('latent divergences (paper Section 2, cosine distance)', () => {
  it('orthogonal classes, adversarial latents equal to benign ones: d_a+ = 0, d_a- = 1, R-DIV = 0', async () => {
    const z = t2([[1, 0], [2, 0], [0, 1], [0, 3]]);
    const d = await batchDivergences(z, z, [0, 0, 1, 1]);
    expect(d.dPlus).toBeCloseTo(0, 12);
    expect(d.dMinus).toBeCloseTo(1, 12);
    expect(d.rdiv).toBeCloseTo(0, 12);
    z.dispose();
  });

  it('adversarial latents moved onto the other class: d_a+ = d_a- = 0.5, R-DIV = 1', async () => {
    const z = t2([[1, 0], [1, 0], [0, 1], [0, 1]]);
    const za = t2([[0, 1], [0, 1], [1, 0], [1, 0]]);
    expect(await absoluteIntraClassDivergence(z, za, [0, 0, 1, 1])).toBeCloseTo(0.5, 12);
    expect(await absoluteInterClassDivergence(z, za, [0, 0, 1, 1])).toBeCloseTo(0.5, 12);
    expect(await relativeIntraClassDivergence(z, za, [0, 0, 1, 1])).toBeCloseTo(1, 12);
    // With the anchor's own counterpart (distance 1) among its positives: (0 + 1 + 1) / 3.
    expect(await absoluteIntraClassDivergence(z, za, [0, 0, 1, 1], { includeOwnCounterpart: true })).toBeCloseTo(2 / 3, 12);
    tf.dispose([z, za]);
  });

  it.each([false, true])('matches the explicit-set definition on random latents (30 x 8, 4 classes, own counterpart %s)', async (own) => {
    const rng = new Rng(5);
    const z = Array.from({ length: 30 }, () => Array.from({ length: 8 }, () => rng.next() - 0.3));
    const za = z.map((r) => r.map((v) => v + (rng.next() - 0.5) * 0.5));
    const y = Array.from({ length: 30 }, () => rng.int(4));
    const [zt, zat] = [t2(z), t2(za)];
    const d = await batchDivergences(zt, zat, y, { includeOwnCounterpart: own });
    const ref = bruteForce(z, za, y, own);
    expect(d.dPlus).toBeCloseTo(ref.dPlus, 6);
    expect(d.dMinus).toBeCloseTo(ref.dMinus, 6);
    expect(d.rdiv).toBeCloseTo(ref.dPlus / ref.dMinus, 6);
    tf.dispose([zt, zat]);
  });

  it('averages over mini-batches of 128 (supplementary 7): 300 rows = batches of 128, 128, 44', async () => {
    const rng = new Rng(9);
    const z = Array.from({ length: 300 }, () => Array.from({ length: 6 }, () => rng.next() - 0.5));
    const za = z.map((r) => r.map((v) => v + (rng.next() - 0.5) * 0.2));
    const y = Array.from({ length: 300 }, () => rng.int(3));
    const [zt, zat] = [t2(z), t2(za)];
    const avg = await latentDivergences(zt, zat, y);
    const parts = [[0, 128], [128, 256], [256, 300]].map(([a, b]) => bruteForce(z.slice(a, b), za.slice(a, b), y.slice(a, b), false));
    expect(avg.batches).toBe(3);
    expect(avg.dPlus).toBeCloseTo(parts.reduce((s, p) => s + p.dPlus, 0) / 3, 6);
    expect(avg.dMinus).toBeCloseTo(parts.reduce((s, p) => s + p.dMinus, 0) / 3, 6);
    expect(avg.rdiv).toBeCloseTo(parts.reduce((s, p) => s + p.dPlus / p.dMinus, 0) / 3, 6);
    tf.dispose([zt, zat]);
  });

  it('rejects mismatched shapes with a message naming them', async () => {
    const [a, b] = [t2([[1, 0], [0, 1]]), t2([[1, 0]])];
    await expect(batchDivergences(a, b, [0, 1])).rejects.toThrow(/benign \[2,2\], adversarial \[1,2\], 2 labels/);
    tf.dispose([a, b]);
  });
});
