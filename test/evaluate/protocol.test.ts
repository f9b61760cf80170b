/**
 * The resolved evaluation protocol: each attack's defaults on each dataset (Section 4.1: PGD and
 * mPGD k = 250 with eta 2/255 on CIFAR-10 and 0.001 on CIFAR-100, on the full test set; AutoAttack
 * on 1000 test samples), the capabilities checks, and the standard error of every figure.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src-main/engine/backend/index.js';
import { evaluateRobustness, resolveProtocol } from '../../src-main/engine/evaluate/evaluate.js';
import { attackRegistry, getAttack } from '../../src-main/engine/attacks/index.js';
import { ATTACKS, DATASETS } from '../../src-main/shared/options.js';
import { EVALUATION_DEFAULTS, monitoringLabel, standardError, subsetLabel } from '../../src-main/shared/evaluation.js';
import { linearProblem, type LinearProblem } from '../attacks/linear-model.js';

const base = { seed: 0, numClasses: 10, eps: undefined, stepSize: undefined, steps: undefined, restarts: undefined, n: undefined };

describe('evaluation defaults per dataset (resolveProtocol)', () => {
  it.each([
    ['cifar10', 8 / 255, 2 / 255],
    ['cifar100', 0.01, 0.001],
    ['mnist', 0.3, 0.01],
  ] as const)('%s: PGD and mPGD take eps %f, step %f, k = 250, one restart, on the full test set of 10000', (dataset, eps, step) => {
    for (const attack of ['pgd', 'mpgd'] as const) {
      const p = resolveProtocol({ ...base, attack, dataset }, 10_000);
      expect(p).toEqual({ attack, dataset, eps, stepSize: step, steps: 250, restarts: 1, n: 10_000, testSetSize: 10_000, subset: 'first-n', seed: 0, parts: null });
    }
  });

  it('CIFAR-100 PGD step is 0.001 (Section 4.1), not eps / 4 = 0.0025, also at a non-default eps 0.02', () => {
    expect(resolveProtocol({ ...base, attack: 'pgd', dataset: 'cifar100' }, 10_000).stepSize).toBe(0.001);
    expect(resolveProtocol({ ...base, attack: 'pgd', dataset: 'cifar100', eps: 0.02 }, 10_000).stepSize).toBe(0.001);
    expect(resolveProtocol({ ...base, attack: 'pgd', dataset: 'cifar100', stepSize: 0.002, steps: 20 }, 10_000)).toMatchObject({ stepSize: 0.002, steps: 20 });
  });

  it('AutoAttack: 1000 test samples, its own step (null), standard 100 iterations whatever steps says, parts in the standard order', () => {
    const p = resolveProtocol({ ...base, attack: 'aa', dataset: 'cifar10', steps: 7 }, 10_000);
    expect(p).toMatchObject({ n: 1000, testSetSize: 10_000, stepSize: null, steps: 100, parts: ['apgd-ce', 'apgd-t', 'fab-t', 'square'] });
    expect(resolveProtocol({ ...base, attack: 'aa', dataset: 'cifar10' }, 500).n).toBe(500);
    expect(resolveProtocol({ ...base, attack: 'square', dataset: 'cifar10' }, 10_000)).toMatchObject({ n: 1000, steps: 5000, stepSize: null });
  });

  it('FGSM steps by eps (its step size is recorded as eps); an explicit n is a subset of the first n images', () => {
    expect(resolveProtocol({ ...base, attack: 'fgsm', dataset: 'cifar10', eps: 4 / 255 }, 10_000)).toMatchObject({ stepSize: 4 / 255, steps: 1, n: 10_000 });
    expect(resolveProtocol({ ...base, attack: 'pgd', dataset: 'cifar10', n: 1000 }, 10_000)).toMatchObject({ n: 1000, testSetSize: 10_000, subset: 'first-n' });
    expect(() => resolveProtocol({ ...base, attack: 'pgd', dataset: 'cifar10', n: 10_001 }, 10_000)).toThrow(/n = 10001 but only 10000 images/);
  });

  it('capabilities: APGD-T needs 4 classes (targeted DLR uses z_pi4) and says so; AutoAttack runs on 2 classes (APGD-T skipped)', () => {
    expect(getAttack('apgd-t').capabilities).toMatchObject({ minClasses: 4, targets: 9 });
    expect(() => resolveProtocol({ ...base, attack: 'apgd-t', dataset: 'synthetic', numClasses: 3 }, 100)).toThrow(/apgd-t: needs at least 4 classes, the dataset has 3/);
    expect(resolveProtocol({ ...base, attack: 'aa', dataset: 'synthetic', numClasses: 2 }, 100).n).toBe(100);
  });

  it('the registry has one implementation per attack name, each under its own name, with defaults for every dataset', () => {
    expect(attackRegistry.names().sort()).toEqual([...ATTACKS].sort());
    for (const name of ATTACKS) {
      expect(getAttack(name).name).toBe(name);
      for (const d of DATASETS) expect(getAttack(name).defaults(d).steps).toBeGreaterThanOrEqual(1);
    }
    expect(EVALUATION_DEFAULTS.cifar10.pgdSteps).toBe(250);
  });
});

describe('standard errors and labels', () => {
  it('standardError(0.5, 1000) = 0.0158 (the 1.6 points of a 50% figure on 1000 images); 0 at p = 0 and 1; bad input throws', () => {
    expect(standardError(0.5, 1000)).toBeCloseTo(0.015811, 6);
    expect(standardError(0.207, 1000)).toBeCloseTo(Math.sqrt(0.207 * 0.793 / 1000), 12);
    expect(standardError(0, 10)).toBe(0);
    expect(standardError(1, 10)).toBe(0);
    expect(() => standardError(0.5, 0)).toThrow(/n = 0/);
    expect(() => standardError(1.5, 10)).toThrow(/p = 1.5/);
  });

  it('subset and monitoring labels: "1000 (subset of 10000)", "PGD-10 (monitoring, 500 images)"', () => {
    expect(subsetLabel(1000, 10_000)).toBe('1000 (subset of 10000)');
    expect(subsetLabel(10_000, 10_000)).toBe('10000 (full test set)');
    expect(subsetLabel(64, null)).toBe('64 images');
    expect(monitoringLabel({ pgdSteps: 10, evalSubset: 500 })).toBe('PGD-10 (monitoring, 500 images)');
    expect(monitoringLabel(null)).toBe('PGD (monitoring)');
  });
});

describe('evaluateRobustness resolves and returns the protocol (5-class linear model, 4x4x1)', () => {
  let p: LinearProblem;
  beforeAll(async () => {
    await initBackend('cpu');
    p = linearProblem({ h: 4, w: 4, k: 5, n: 24, eps: 0.01, seed: 5 });
  });

  it('dataset cifar100, no eps / step / n given: eps 0.01, step 0.001, all 24 images; standard errors from p and n', async () => {
    const r = await evaluateRobustness({ logits: p.f, images: p.images, labels: p.labels, shape: [4, 4, 1], numClasses: 5, dataset: 'cifar100',
      attack: 'pgd', steps: 5, batchSize: 8, seed: 0 });
    expect(r.protocol).toEqual({ attack: 'pgd', dataset: 'cifar100', eps: 0.01, stepSize: 0.001, steps: 5, restarts: 1, n: 24, testSetSize: 24, subset: 'first-n', seed: 0, parts: null });
    expect(r.stepSize).toBe(0.001);
    expect(r.robustStdErr).toBeCloseTo(Math.sqrt(r.robustAccuracy * (1 - r.robustAccuracy) / 24), 12);
    expect(r.cleanStdErr).toBeCloseTo(Math.sqrt(r.cleanAccuracy * (1 - r.cleanAccuracy) / 24), 12);
  });

  it('AutoAttack on 2 classes skips APGD-T (needs 4) and still reports all four parts', async () => {
    const q = linearProblem({ h: 4, w: 4, k: 2, n: 8, eps: 0.05, seed: 6 });
    const r = await evaluateRobustness({ logits: q.f, images: q.images, labels: q.labels, shape: [4, 4, 1], numClasses: 2, dataset: 'synthetic',
      attack: 'aa', eps: 0.05, batchSize: 8, seed: 0 });
    expect(Object.keys(r.perAttack ?? {})).toEqual(['apgd-ce', 'apgd-t', 'fab-t', 'square']);
    expect(r.perAttack!['apgd-t']).toBe(r.perAttack!['apgd-ce']);
    expect(r.protocol.n).toBe(8);
    q.dispose();
  });
});
