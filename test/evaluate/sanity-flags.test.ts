/**
 * Evaluation sanity flags (shared/sanity-flags.ts) on crafted stored evaluations: each flag fires on
 * the case it describes and stays silent on the like-for-like case just inside its threshold, or when
 * the evaluations are not comparable (other images, other checkpoint).
 */
import { describe, expect, it } from 'vitest';
import { sanityFlags, type FlagEvaluation } from '../../src-main/shared/sanity-flags.js';
import type { IterationPoint } from '../../src-main/shared/rows.js';

let nextId = 1;
/** An evaluation of 100 CIFAR-10 images at checkpoint 5; `robust` lists the robust image indices. */
function ev(attack: string, o: { eps?: number; steps?: number | null; robust?: number[]; n?: number; restarts?: number; clean?: number;
  iterations?: IterationPoint[]; epoch?: number; dataset?: 'cifar10' | 'mnist'; stepSize?: number | null }): FlagEvaluation {
  const n = o.n ?? 100;
  const outcomes = new Uint8Array(n);
  for (const i of o.robust ?? []) outcomes[i] = 1;
  const robustAccuracy = (o.robust ?? []).length / n;
  const eps = o.eps ?? 8 / 255;
  const steps = o.steps === undefined ? 20 : o.steps;
  const stepSize = o.stepSize === undefined ? 2 / 255 : o.stepSize;
  return { id: nextId++, attack, eps, steps, stepSize, n, cleanAccuracy: o.clean ?? 0.8, robustAccuracy, checkpointEpoch: o.epoch ?? 5,
    outcomes, iterations: o.iterations ?? null,
    protocol: { attack: attack as 'pgd', dataset: o.dataset ?? 'cifar10', eps, stepSize, steps: steps ?? 1, restarts: o.restarts ?? 1, n,
      testSetSize: 10_000, subset: 'first-n', seed: 0, parts: null } };
}
const range = (a: number, b: number): number[] => Array.from({ length: b - a }, (_, i) => a + i);
const kinds = (evals: FlagEvaluation[]) => sanityFlags(evals).map((f) => [f.kind, f.evaluationId, f.relatedIds]);
const pts = (accs: number[], steps = 20, run = 0): IterationPoint[] => {
  const ks = [1, 2, 5, 10, 20].filter((k) => k <= steps);
  return accs.map((a, j) => ({ run, iteration: ks[j], total: run * steps + ks[j], robustAccuracy: a }));
};

describe('black-box-stronger (Square vs an iterative white-box attack, same images and eps; threshold 1 % of n)', () => {
  it('Square breaks 2 of 100 images PGD left robust: fires on the PGD evaluation, naming Square and the count; 0 images: silent', () => {
    const pgd = ev('pgd', { robust: range(0, 50) });
    const sq = ev('square', { robust: range(2, 50), steps: 5000, stepSize: null });
    const flags = sanityFlags([pgd, sq]);
    expect(flags.map((f) => [f.kind, f.evaluationId, f.relatedIds])).toEqual([['black-box-stronger', pgd.id, [sq.id]]]);
    expect(flags[0].reason).toMatch(/broke 2 of the 100 images \(2\.00%, threshold 1\.00%\)/);
    expect(flags[0].reference).toMatch(/Athalye.*Black-box attacks are better than white-box attacks.*Carlini et al\. 2019/);
    // Square breaking only points PGD also broke (and more robust points elsewhere are not counted): silent.
    expect(kinds([ev('pgd', { robust: range(0, 50) }), ev('square', { robust: range(0, 60), stepSize: null })])).toEqual([]);
  });
  it('same counts but another eps, another checkpoint, another n: silent (not like-for-like); FGSM is not a rival of Square', () => {
    expect(kinds([ev('pgd', { robust: range(0, 50) }), ev('square', { robust: range(10, 50), eps: 4 / 255 })])).toEqual([]);
    expect(kinds([ev('pgd', { robust: range(0, 50) }), ev('square', { robust: range(10, 50), epoch: 4 })])).toEqual([]);
    expect(kinds([ev('pgd', { robust: range(0, 50) }), ev('square', { robust: range(10, 50), n: 200 })])).toEqual([]);
    expect(kinds([ev('fgsm', { robust: range(0, 50), steps: 1, stepSize: 8 / 255 }), ev('square', { robust: range(10, 50), stepSize: null })])).toEqual([]);
  });
});

describe('not-decreasing-in-eps (same attack and budget, larger eps; > 2 standard errors of the difference and >= 1 image)', () => {
  it('FGSM 30 % robust at 4/255 then 50 % at 8/255: fires on the 8/255 one; 30 % then 35 % (within 2 se = 13.2 %): silent', () => {
    // FGSM's step is its eps (stored as stepSize), so the two differ in step but not in step rule.
    const a = ev('fgsm', { eps: 4 / 255, robust: range(0, 30), steps: 1, stepSize: 4 / 255 });
    const b = ev('fgsm', { eps: 8 / 255, robust: range(0, 50), steps: 1, stepSize: 8 / 255 });
    const flags = sanityFlags([a, b]);
    expect(flags.map((f) => [f.kind, f.evaluationId, f.relatedIds])).toEqual([['not-decreasing-in-eps', b.id, [a.id]]]);
    expect(flags[0].reason).toMatch(/50\.00% at eps 0\.03137 is above 30\.00% at the smaller eps 0\.01569 .* by 20\.00%, more than two standard errors \(13\.56%\)/);
    expect(kinds([ev('fgsm', { eps: 4 / 255, robust: range(0, 30), steps: 1, stepSize: 4 / 255 }), ev('fgsm', { eps: 8 / 255, robust: range(0, 35), steps: 1, stepSize: 8 / 255 })])).toEqual([]);
  });
  it('a rise between different step counts, or between PGD step sizes, is not compared; the same PGD step at two eps is', () => {
    expect(kinds([ev('pgd', { eps: 4 / 255, robust: range(0, 30), steps: 10 }), ev('pgd', { eps: 8 / 255, robust: range(0, 60), steps: 20 })])
      .filter(([k]) => k === 'not-decreasing-in-eps')).toEqual([]);
    expect(kinds([ev('pgd', { eps: 4 / 255, robust: range(0, 30), stepSize: 1 / 255 }), ev('pgd', { eps: 8 / 255, robust: range(0, 60), stepSize: 2 / 255 })])
      .filter(([k]) => k === 'not-decreasing-in-eps')).toEqual([]);
    expect(kinds([ev('pgd', { eps: 4 / 255, robust: range(0, 30) }), ev('pgd', { eps: 8 / 255, robust: range(0, 60) })])
      .filter(([k]) => k === 'not-decreasing-in-eps').length).toBe(1);
  });
});

describe('high-at-large-eps (robust > 10 % at eps >= 64/255 on CIFAR, >= 0.5 on MNIST)', () => {
  it('CIFAR-10 eps 64/255 with 11 % robust fires; 10 % does not; 11 % at 32/255 does not; MNIST 0.4 with 30 % does not, 0.5 with 12 % does', () => {
    const high = ev('pgd', { eps: 64 / 255, robust: range(0, 11) });
    const flags = sanityFlags([high]);
    expect(flags.map((f) => f.kind)).toEqual(['high-at-large-eps']);
    expect(flags[0].reason).toMatch(/11\.00% at eps 0\.25098, a large budget on cifar10 \(>= 0\.25098\), is well above 0 \(above 10\.00%\)/);
    expect(kinds([ev('pgd', { eps: 64 / 255, robust: range(0, 10) })])).toEqual([]);
    expect(kinds([ev('pgd', { eps: 32 / 255, robust: range(0, 11) })])).toEqual([]);
    expect(kinds([ev('pgd', { eps: 0.4, robust: range(0, 30), dataset: 'mnist' })])).toEqual([]);
    expect(sanityFlags([ev('pgd', { eps: 0.5, robust: range(0, 12), dataset: 'mnist' })]).map((f) => f.kind)).toEqual(['high-at-large-eps']);
  });
});

describe('fgsm-stronger (FGSM leaves fewer images robust than PGD, mPGD or APGD-CE at the same eps)', () => {
  it('FGSM 40 % vs PGD 45 %: fires on PGD naming 5 images; FGSM 45 % vs PGD 45 %: silent; FGSM 40 % at another eps: silent', () => {
    const pgd = ev('pgd', { robust: range(0, 45) });
    const f = ev('fgsm', { robust: range(0, 40), steps: 1, stepSize: 8 / 255 });
    const flags = sanityFlags([pgd, f]);
    expect(flags.map((x) => [x.kind, x.evaluationId, x.relatedIds])).toEqual([['fgsm-stronger', pgd.id, [f.id]]]);
    expect(flags[0].reason).toMatch(/leaves 40\.00% robust, 5 image\(s\) fewer than pgd-20 \(evaluation \d+\) with 45\.00%/);
    expect(kinds([ev('pgd', { robust: range(0, 45) }), ev('fgsm', { robust: range(0, 45), steps: 1, stepSize: 8 / 255 })])).toEqual([]);
    expect(kinds([ev('pgd', { robust: range(0, 45) }), ev('fgsm', { robust: range(0, 40), steps: 1, eps: 4 / 255, stepSize: 4 / 255 })])).toEqual([]);
  });
});

describe('still-falling (a fall of >= 1 % and >= 1 image at the end of the record, over the last restart, or against more iterations)', () => {
  it('record 60, 50, 45, 43, 41 % (last interval 10 -> 20 falls 2 %): fires; 60, 50, 45, 41.5, 41 (0.5 %) on 200 images: silent', () => {
    const e = ev('pgd', { robust: range(0, 41), iterations: pts([0.6, 0.5, 0.45, 0.43, 0.41]) });
    const flags = sanityFlags([e]);
    expect(flags.map((f) => f.kind)).toEqual(['still-falling']);
    expect(flags[0].reason).toMatch(/still fell by 2\.00% over the last checkpoint interval, from 43\.00% at iteration 10 to 41\.00% at iteration 20 \(threshold 1\.00%\)/);
    expect(kinds([ev('pgd', { n: 200, robust: range(0, 82), iterations: pts([0.6, 0.5, 0.45, 0.415, 0.41]) })])).toEqual([]);
  });
  it('PGD-1 (one checkpoint): the fall from the clean 80 % to 30 % fires; the same record of FGSM (one step by definition) does not', () => {
    const flags = sanityFlags([ev('pgd', { steps: 1, robust: range(0, 30), iterations: pts([0.3], 1) })]);
    expect(flags.map((f) => f.kind)).toEqual(['still-falling']);
    expect(flags[0].reason).toMatch(/from the clean 80\.00% to 30\.00% at iteration 1/);
    expect(kinds([ev('fgsm', { steps: 1, stepSize: 8 / 255, robust: range(0, 30), iterations: pts([0.3], 1) })])).toEqual([]);
  });
  it('PGD-20 x 2 restarts: the second restart lowering 42 % to 40 % fires; 40.5 % to 40 % on 200 images does not', () => {
    const iterations = [...pts([0.6, 0.5, 0.45, 0.42, 0.42]), ...pts([0.41, 0.40, 0.40, 0.40, 0.40], 20, 1)];
    const flags = sanityFlags([ev('pgd', { restarts: 2, robust: range(0, 40), iterations })]);
    expect(flags.map((f) => f.kind)).toEqual(['still-falling']);
    expect(flags[0].reason).toMatch(/the last restart \(2 of 2\) still lowered robust accuracy by 2\.00%, from 42\.00% to 40\.00%/);
    const calm = [...pts([0.6, 0.5, 0.45, 0.405, 0.405]), ...pts([0.40, 0.40, 0.40, 0.40, 0.40], 20, 1)];
    expect(kinds([ev('pgd', { n: 200, restarts: 2, robust: range(0, 80), iterations: calm })])).toEqual([]);
  });
  it('PGD-1 at 50 % and PGD-20 at 40 % on the same images: fires on PGD-1 naming PGD-20; PGD-20 at 49.5 % of 200: silent; PGD-20 is not flagged', () => {
    const one = ev('pgd', { steps: 1, robust: range(0, 50) });
    const twenty = ev('pgd', { steps: 20, robust: range(0, 40) });
    const flags = sanityFlags([one, twenty]);
    expect(flags.map((f) => [f.kind, f.evaluationId, f.relatedIds])).toEqual([['still-falling', one.id, [twenty.id]]]);
    expect(flags[0].reason).toMatch(/pgd-20 \(evaluation \d+\) leaves 40\.00% robust, 10\.00% below pgd-1 \(evaluation \d+\)/);
    expect(kinds([ev('pgd', { n: 200, steps: 1, robust: range(0, 100) }), ev('pgd', { n: 200, steps: 20, robust: range(0, 99) })])).toEqual([]);
  });
});
