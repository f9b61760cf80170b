/**
 * The per-iteration record (engine/attacks/iteration-trace.ts, shared/iterations.ts): the checkpoints,
 * the recorder's carry-forward rule, that recording leaves every attack's result unchanged, and a
 * brute force: PGD-k with the same seed is the first k iterations of PGD-K, so its robust flags are the
 * record's state at checkpoint k, and each image's breaking iteration follows from them.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src-main/engine/backend/index.js';
import { evaluateRobustness, type EvaluateOptions } from '../../src-main/engine/evaluate/evaluate.js';
import { evaluateEpsGrid } from '../../src-main/engine/evaluate/eps-grid.js';
import { IterationRecorder } from '../../src-main/engine/attacks/iteration-trace.js';
import { iterationCheckpoints } from '../../src-main/shared/iterations.js';
import type { AttackName } from '../../src-main/shared/options.js';
import { mlpProblem, type MlpProblem } from './mlp-model.js';

const N = 30;
let p: MlpProblem;
beforeAll(async () => { await initBackend('cpu'); p = await mlpProblem(N, 7); });

const opts = (attack: AttackName, extra: Partial<EvaluateOptions> = {}): EvaluateOptions => ({
  logits: p.f, images: p.images, labels: p.labels, shape: [6, 6, 1], numClasses: 4, attack, dataset: 'synthetic',
  eps: 0.08, stepSize: 0.01, n: N, batchSize: 12, seed: 3, ...extra,
});

describe('iterationCheckpoints', () => {
  it('1-2-5 per decade below steps, then steps: 1 -> [1], 20 -> [1,2,5,10,20], 250 -> [..,200,250], 100 -> [..,50,100]; 0 throws', () => {
    expect(iterationCheckpoints(1)).toEqual([1]);
    expect(iterationCheckpoints(20)).toEqual([1, 2, 5, 10, 20]);
    expect(iterationCheckpoints(250)).toEqual([1, 2, 5, 10, 20, 50, 100, 200, 250]);
    expect(iterationCheckpoints(100)).toEqual([1, 2, 5, 10, 20, 50, 100]);
    expect(() => iterationCheckpoints(0)).toThrow(/steps must be a whole number >= 1, got 0/);
  });
});

describe('IterationRecorder (4 images, steps 10, 2 passes)', () => {
  it('unreported images keep their state, the last checkpoint is the final verdict, breaking = first checkpoint of the last broken stretch', () => {
    const r = new IterationRecorder(4);
    // image 3 is clean-misclassified (never reported); image 0 breaks at pass 0 iteration 5 and leaves pass 1.
    r.record(0, 1, [0, 1, 2], [1, 0, 1]);
    r.record(0, 5, [0, 1, 2], [0, 1, 1]);
    r.record(0, 10, [0, 1, 2], [0, 1, 1]);
    r.record(1, 1, [1, 2], [0, 1]);
    r.record(1, 10, [1, 2], [0, 1]);
    const rec = r.finish(Uint8Array.from([1, 1, 1, 0]), Uint8Array.from([0, 0, 1, 0]), 10)!;
    expect(rec.points.map((q) => [q.run, q.iteration, q.total, q.robustAccuracy])).toEqual([
      [0, 1, 1, 0.5], [0, 5, 5, 0.5], [0, 10, 10, 0.5], [1, 1, 11, 0.25], [1, 10, 20, 0.25]]);
    expect(Array.from(rec.breakingIteration)).toEqual([5, 11, Number.NaN, 0]);
    expect(new IterationRecorder(4).finish(new Uint8Array(4), new Uint8Array(4), 10)).toBeNull();
  });
});

describe('attacks with and without the per-iteration record (random 36-16-4 ReLU net, 30 images of 6x6x1, eps 0.08, batch 12)', () => {
  for (const [attack, extra] of [['pgd', { steps: 20, restarts: 2 }], ['mpgd', { steps: 10 }], ['fgsm', {}], ['apgd-ce', { steps: 20 }],
    ['apgd-t', { steps: 10 }], ['fab-t', { steps: 10 }], ['square', { steps: 100 }]] as Array<[AttackName, Partial<EvaluateOptions>]>) {
    it(`${attack} ${JSON.stringify(extra)}: identical per-sample outcomes; the record ends at the robust accuracy, starts at most at the clean one`, async () => {
      const off = await evaluateRobustness(opts(attack, { ...extra, recordIterations: false }));
      const on = await evaluateRobustness(opts(attack, extra));
      expect(off.iterations).toBeNull();
      expect(Array.from(on.perSample)).toEqual(Array.from(off.perSample));
      expect(on.robustAccuracy).toBe(off.robustAccuracy);
      const pts = on.iterations!;
      expect(pts.length).toBeGreaterThan(0);
      expect(pts.at(-1)!.robustAccuracy).toBe(on.robustAccuracy);
      expect(pts[0].robustAccuracy).toBeLessThanOrEqual(on.cleanAccuracy);
      // Every image broken at the end has a breaking iteration within the record; robust ones have none.
      on.perSample.forEach((r, i) => {
        const b = on.breakingIteration![i];
        if (r === 1) expect(b).toBeNaN(); else expect(b).toBeLessThanOrEqual(pts.at(-1)!.total);
        if (on.cleanCorrect[i] === 0) expect(b).toBe(0);
      });
      // APGD, FAB and Square keep the first fooling example: their curve never rises.
      if (['apgd-ce', 'apgd-t', 'fab-t', 'square'].includes(attack)) for (let k = 1; k < pts.length; k++) expect(pts[k].robustAccuracy).toBeLessThanOrEqual(pts[k - 1].robustAccuracy);
    }, 120_000);
  }
});

describe('brute force: PGD-k (same seed) for every checkpoint k of PGD-50, 30 images', () => {
  it('robust accuracy at checkpoint k equals PGD-k\'s; each image\'s breaking iteration is the first checkpoint from which every PGD-k\' (k\' >= k) breaks it', async () => {
    const full = await evaluateRobustness(opts('pgd', { steps: 50 }));
    const ks = iterationCheckpoints(50);
    expect(full.iterations!.map((q) => q.iteration)).toEqual(ks);
    const flags: Uint8Array[] = [];
    for (const k of ks) {
      const r = await evaluateRobustness(opts('pgd', { steps: k, recordIterations: false }));
      flags.push(r.perSample);
      expect(full.iterations![ks.indexOf(k)].robustAccuracy, `k = ${k}`).toBe(r.robustAccuracy);
    }
    // The curve is not flat (the test can tell checkpoints apart) and not monotone by construction.
    expect(new Set(full.iterations!.map((q) => q.robustAccuracy)).size).toBeGreaterThan(1);
    for (let i = 0; i < N; i++) {
      let expected = full.cleanCorrect[i] === 0 ? 0 : Number.NaN;
      if (full.cleanCorrect[i] === 1) {
        for (let c = ks.length - 1; c >= 0 && flags[c][i] === 0; c--) expected = ks[c];
      }
      expect(full.breakingIteration![i], `image ${i}`).toBe(expected);
    }
  }, 180_000);
});

describe('eps grid 0, 0.04, 0.08 with PGD-10 (cumulative rule), 30 images', () => {
  it('each attacked point keeps a record ending at its robust accuracy; eps 0 has none; at 0.08 images broken at 0.04 have breaking iteration 0', async () => {
    const { eps: _e, ...rest } = opts('pgd', { steps: 10 });
    const g = await evaluateEpsGrid({ ...rest, epsGrid: [0, 0.04, 0.08] });
    expect(g.points[0].iterations).toBeNull();
    for (const j of [1, 2]) {
      const q = g.points[j];
      expect(q.iterations!.map((x) => x.iteration)).toEqual([1, 2, 5, 10]);
      expect(q.iterations!.at(-1)!.robustAccuracy).toBe(q.robustAccuracy);
    }
    const [, a, b] = g.points;
    for (let i = 0; i < N; i++) if (a.perSample[i] === 0) expect(b.breakingIteration![i], `image ${i}`).toBe(0);
    // Without the record the grid's figures are the same.
    const off = await evaluateEpsGrid({ ...rest, epsGrid: [0, 0.04, 0.08], recordIterations: false });
    expect(off.points.map((q) => Array.from(q.perSample))).toEqual(g.points.map((q) => Array.from(q.perSample)));
  }, 120_000);
});
