/** Selection masks of Table 1 on hand-made batches, and the loss's gradient with masks held constant. */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src-main/engine/tf.js';
import '@tensorflow/tfjs-backend-cpu';
import { getSelection, selectionRegistry } from '../../src-main/engine/selection/index.js';
import { supervisedContrastiveLoss } from '../../src-main/engine/objectives/supervised-contrastive.js';
import { Rng } from '../../src-main/engine/rng.js';
import type { DistanceName } from '../../src-main/shared/options.js';

beforeAll(async () => { await tf.setBackend('cpu'); });

// B = 3: benign rows 0..2, adversarial rows 3..5 (row i+3 is row i's counterpart).
// labels y = [0, 0, 1]; predictions: benign [0, 1, 1], adversarial [1, 0, 0].
const Y = [0, 0, 1];
const P = [0, 1, 1, 1, 0, 0];

function masks(strategy: string, counterpart: 'paper' | 'code', y = Y, p = P, key: 'paper' | 'code' = 'code') {
  return tf.tidy(() => {
    const m = getSelection(strategy).masks({
      labels: tf.tensor1d([...y, ...y], 'int32'), preds: tf.tensor1d(p, 'int32'), leakedCounterpart: counterpart, adversarialAnchorKey: key,
    });
    return { pos: m.positive.arraySync() as number[][], neg: m.negative.arraySync() as number[][] };
  });
}

describe('selection masks (B=3, y=[0,0,1], preds=[0,1,1 | 1,0,0])', () => {
  it('global: positives = same label without the anchor, negatives = different label', () => {
    const { pos, neg } = masks('global', 'paper');
    expect(pos[0]).toEqual([0, 1, 0, 1, 1, 0]);
    expect(neg[0]).toEqual([0, 0, 1, 0, 0, 1]);
    expect(neg[2]).toEqual([1, 1, 0, 1, 1, 0]);
  });

  it('hard: negatives predicted as the anchor\'s true label', () => {
    const { pos, neg } = masks('hard', 'paper');
    expect(pos[2]).toEqual([0, 0, 0, 0, 0, 1]);
    // anchor 2 (y=1): different-label members 0,1,3,4 with preds 0,1,1,0 -> keep 1 and 3
    expect(neg[2]).toEqual([0, 1, 0, 1, 0, 0]);
    // anchor 0 (y=0): different-label members 2 (pred 1) and 5 (pred 0) -> keep 5
    expect(neg[0]).toEqual([0, 0, 0, 0, 0, 1]);
  });

  it('soft: negatives predicted as the anchor\'s prediction', () => {
    const { neg } = masks('soft', 'paper');
    // anchor 1 (y=0, pred 1): different-label members 2 (pred 1), 5 (pred 0) -> keep 2
    expect(neg[1]).toEqual([0, 0, 1, 0, 0, 0]);
    // anchor 4 (adversarial of 1, y=0, pred 0): keep 5 (pred 0)
    expect(neg[4]).toEqual([0, 0, 0, 0, 0, 1]);
  });

  it('soft and leaked with adversarialAnchorKey paper: an adversarial anchor is keyed on its benign anchor\'s p_i', () => {
    // anchor 4 = x_1^a (y=0, own pred 0, p_1 = 1): different-label members 2 (pred 1), 5 (pred 0) -> keep 2
    expect(masks('soft', 'paper', Y, P, 'paper').neg[4]).toEqual([0, 0, 1, 0, 0, 0]);
    // benign anchors are unchanged: anchor 1 (pred 1) keeps 2 under both keys
    expect(masks('soft', 'paper', Y, P, 'paper').neg[1]).toEqual(masks('soft', 'paper', Y, P, 'code').neg[1]);
    // leaked, anchor 3 = x_0^a (y=0, own pred 1, p_0 = 0): same-label members 1 (pred 1), 4 (pred 0) -> keep 4
    // (paper key), 1 (code key); its counterpart 0 is a positive with leakedCounterpart paper
    expect(masks('leaked', 'paper', Y, P, 'paper').pos[3]).toEqual([1, 0, 0, 0, 1, 0]);
    expect(masks('leaked', 'paper', Y, P, 'code').pos[3]).toEqual([1, 1, 0, 0, 0, 0]);
    // leakedCounterpart code + paper key: x_0^a keeps x_0 (its pred is the key p_0) always
    expect(masks('leaked', 'code', Y, P, 'paper').pos[3]).toEqual([1, 0, 0, 0, 1, 0]);
  });

  it('leaked (code): counterpart kept only when its prediction matches; (paper): always a positive', () => {
    const code = masks('leaked', 'code');
    const paper = masks('leaked', 'paper');
    // anchor 0 (pred 0): same-label members 1 (pred 1), 3 (counterpart, pred 1), 4 (pred 0)
    expect(code.pos[0]).toEqual([0, 0, 0, 0, 1, 0]);
    expect(paper.pos[0]).toEqual([0, 0, 0, 1, 1, 0]);
    // anchor 2 (pred 1) and its counterpart 5 (pred 0) disagree
    expect(code.pos[2]).toEqual([0, 0, 0, 0, 0, 0]);
    expect(paper.pos[2]).toEqual([0, 0, 0, 0, 0, 1]);
    expect(code.neg).toEqual(paper.neg);
  });

  it.each([3, 8, 32])('B=%i random batches: invariants of every strategy', (b) => {
    const rng = new Rng(b);
    const y = Array.from({ length: b }, () => rng.int(4));
    const p = Array.from({ length: 2 * b }, () => rng.int(4));
    const g = masks('global', 'paper', y, p);
    for (const name of selectionRegistry.names()) {
      for (const cp of ['paper', 'code'] as const) {
        const m = masks(name, cp, y, p);
        for (let i = 0; i < 2 * b; i++) {
          expect(m.pos[i][i]).toBe(0);
          expect(m.neg[i][i]).toBe(0);
          for (let j = 0; j < 2 * b; j++) {
            expect(m.pos[i][j] * m.neg[i][j]).toBe(0); // disjoint
            expect(m.pos[i][j]).toBeLessThanOrEqual(g.pos[i][j]); // local selection keeps a subset of Global
            expect(m.neg[i][j]).toBeLessThanOrEqual(g.neg[i][j]);
          }
        }
        if (name === 'leaked' && cp === 'paper') for (let i = 0; i < b; i++) { expect(m.pos[i][i + b]).toBe(1); expect(m.pos[i + b][i]).toBe(1); }
      }
    }
  });

  it('unknown strategy names are rejected with the known names', () => {
    expect(() => getSelection('hardest')).toThrow(/unknown selection strategy "hardest"; known: global, hard, soft, leaked/);
  });
});

describe('gradient of L_SCL flows through the latents only (masks constant)', () => {
  // Finite differences in float64 arithmetic of a plain-JS reference with the SAME fixed masks:
  // if any gradient leaked through the masks (or the where/exclusion), the two would differ.
  function refLoss(z: number[][], pos: number[][], neg: number[][], distance: DistanceName, normalize: boolean, tau: number): number {
    const n = z.length;
    const h = z.map((r) => {
      if (!(normalize || distance === 'cosine')) return r;
      const nr = Math.max(Math.hypot(...r), 1e-12);
      return r.map((v) => v / nr);
    });
    const sim = (a: number[], b: number[]): number => {
      const d = a.map((v, k) => v - b[k]);
      switch (distance) {
        case 'cosine': case 'matmul': return a.reduce((s, v, k) => s + v * b[k], 0);
        case 'l1': return -d.reduce((s, v) => s + Math.abs(v), 0);
        case 'l2': return -Math.hypot(...d);
        case 'linf': return -Math.max(...d.map(Math.abs));
      }
    };
    let total = 0;
    for (let i = 0; i < n; i++) {
      const legal: number[] = [];
      for (let j = 0; j < n; j++) if (pos[i][j] || neg[i][j]) legal.push(sim(h[i], h[j]) / tau);
      const m = Math.max(...legal);
      const lse = m + Math.log(legal.reduce((s, v) => s + Math.exp(v - m), 0));
      let sp = 0, np = 0;
      for (let j = 0; j < n; j++) if (pos[i][j]) { sp += sim(h[i], h[j]) / tau - lse; np++; }
      total += np ? -sp / np : 0;
    }
    return total / n;
  }

  it.each([
    { distance: 'cosine' as const, normalize: false, strategy: 'leaked' },
    { distance: 'l2' as const, normalize: true, strategy: 'global' },
    { distance: 'l1' as const, normalize: true, strategy: 'soft' },
    { distance: 'linf' as const, normalize: false, strategy: 'hard' },
    { distance: 'matmul' as const, normalize: true, strategy: 'leaked' },
  ])('$distance (normalize=$normalize, $strategy): tf.grad equals central differences to 2e-3', ({ distance, normalize, strategy }) => {
    const rng = new Rng(7);
    const b = 4, d = 5, tau = 0.5;
    const z = Array.from({ length: 2 * b }, () => Array.from({ length: d }, () => 2 * rng.next() - 1));
    const m = masks(strategy, 'paper', [0, 1, 0, 1], [0, 1, 1, 1, 0, 0, 0, 1]);
    const grad = tf.tidy(() => {
      const pos = tf.tensor2d(m.pos), neg = tf.tensor2d(m.neg);
      const g = tf.grad((x: tf.Tensor) => supervisedContrastiveLoss(x as tf.Tensor2D, { positive: pos, negative: neg }, { distance, normalize, tau, reduction: 'anchor-mean' }));
      return g(tf.tensor2d(z)).arraySync() as number[][];
    });
    const h = 1e-5;
    for (let i = 0; i < 2 * b; i++) {
      for (let k = 0; k < d; k++) {
        const zp = z.map((r) => [...r]); zp[i][k] += h;
        const zm = z.map((r) => [...r]); zm[i][k] -= h;
        const fd = (refLoss(zp, m.pos, m.neg, distance, normalize, tau) - refLoss(zm, m.pos, m.neg, distance, normalize, tau)) / (2 * h);
        expect(Math.abs(grad[i][k] - fd)).toBeLessThan(2e-3);
      }
    }
  });
});
