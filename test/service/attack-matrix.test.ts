/**
 * The attack x defence matrix (evals:matrix, src-main/service/matrix/): the worst case per example
 * against a brute force over sets of robust image indices (fast-check), never the minimum of the
 * columns; the evaluation chosen per attack; cells that are not like-for-like marked; groups of
 * seeds as mean and sample std.
 */
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../src-main/api/dispatch.js';
import type { AppService } from '../../src-main/service/app-service.js';
import { worstCasePerExample } from '../../src-main/service/matrix/worst-case.js';
import type { EvaluationProtocol } from '../../src-main/shared/evaluation.js';
import type { AttackName } from '../../src-main/shared/options.js';
import { fakeService, tempDir, SMALL } from './helpers.js';

/** Brute force: the set of image indices robust to every attack, over the images all evaluations cover. */
function bruteWorst(outcomes: readonly Uint8Array[]): number {
  const m = Math.min(...outcomes.map((o) => o.length));
  const sets = outcomes.map((o) => new Set([...o.keys()].filter((i) => i < m && o[i] === 1)));
  const all = [...sets[0]].filter((i) => sets.every((s) => s.has(i)));
  return all.length / m;
}

describe('worstCasePerExample', () => {
  it('equals the brute-force intersection of robust sets and is at most every column on the common images (1..5 attacks, n 1..40, fast-check)', () => {
    fc.assert(fc.property(fc.array(fc.array(fc.integer({ min: 0, max: 1 }), { minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 5 }), (arrs) => {
      const outcomes = arrs.map((a) => Uint8Array.from(a));
      const w = worstCasePerExample(outcomes);
      expect(w.robustAccuracy).toBe(bruteWorst(outcomes));
      expect(w.images).toBe(Math.min(...arrs.map((a) => a.length)));
      for (const o of outcomes) expect(w.robustAccuracy).toBeLessThanOrEqual(o.subarray(0, w.images).reduce((a, b) => a + b, 0) / w.images);
    }));
  });
  it('two attacks each breaking a different half of 4 images: columns 0.5 and 0.5, worst case 0 (not the minimum 0.5)', () => {
    expect(worstCasePerExample([Uint8Array.from([1, 1, 0, 0]), Uint8Array.from([0, 0, 1, 1])]).robustAccuracy).toBe(0);
  });
  it('refuses an outcome that is not 0 or 1 and an empty list, naming the problem', () => {
    expect(() => worstCasePerExample([Uint8Array.from([1, 2])])).toThrow(/image 1 is 2/);
    expect(() => worstCasePerExample([])).toThrow(/at least one attack/);
  });
});

let service: AppService;
let a: string, b: string, c: string;
beforeAll(async () => {
  service = await fakeService(path.join(tempDir('ascl-matrix-'), 'm.db'), { workers: 2 });
  a = (await service['runs:start']({ config: { ...SMALL, seed: 1 }, group: 'seeds', name: 'seed-1' })).id;
  b = (await service['runs:start']({ config: { ...SMALL, seed: 2 }, group: 'seeds', name: 'seed-2' })).id;
  c = (await service['runs:start']({ config: { ...SMALL, seed: 3 }, name: 'other' })).id;
  await Promise.all([a, b, c].map((id) => service.waitForRun(id)));
});
afterAll(async () => { await service.close(); });

const protocol = (attack: AttackName, eps: number, n: number): EvaluationProtocol => ({
  attack, dataset: 'synthetic', eps, stepSize: null, steps: 3, restarts: 1, n, testSetSize: 500, subset: 'first-n', seed: 0, parts: null });

function addEval(runId: string, attack: AttackName, eps: number, outcomes: Uint8Array | null, o: { n?: number; steps?: number; clean?: number; epoch?: number } = {}): number {
  const n = o.n ?? outcomes?.length ?? 10;
  const robust = outcomes ? outcomes.reduce((s, v) => s + v, 0) / n : 0.5;
  return service.store.addEvaluation({ runId, attack, eps, steps: o.steps ?? 3, stepSize: null, n, seed: 0, checkpointEpoch: o.epoch ?? 3,
    cleanAccuracy: o.clean ?? 0.9, robustAccuracy: robust, seconds: 1, protocol: protocol(attack, eps, n), outcomes });
}

describe('evals:matrix on stored evaluations (fake-engine runs, synthetic)', () => {
  const EPS = 8 / 255;
  it('random outcomes of fgsm, pgd, square with n 5..30 each: the worst case equals the brute force on the common first images, every column the stored accuracy (fast-check, 15 runs)', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.array(fc.integer({ min: 0, max: 1 }), { minLength: 5, maxLength: 30 }), { minLength: 3, maxLength: 3 }), async (arrs) => {
      const run = (await service['runs:start']({ config: { ...SMALL, seed: 100 }, name: 'prop' })).id;
      await service.waitForRun(run);
      const outcomes = arrs.map((x) => Uint8Array.from(x));
      const attacks: AttackName[] = ['fgsm', 'pgd', 'square'];
      attacks.forEach((att, j) => addEval(run, att, EPS, outcomes[j]));
      const m = await service['evals:matrix']({ runIds: [run], rows: 'runs' });
      const row = m.rows[0];
      expect(row.worstCase!.mean).toBe(bruteWorst(outcomes));
      expect(row.worstCase!.images).toBe(Math.min(...arrs.map((x) => x.length)));
      expect(row.worstCase!.attacks).toEqual(['fgsm', 'pgd', 'square']);
      attacks.forEach((att, j) => expect(row.cells[att]!.mean).toBeCloseTo(outcomes[j].reduce((s, v) => s + v, 0) / outcomes[j].length, 12));
      if (new Set(arrs.map((x) => x.length)).size > 1) expect(row.worstCase!.marks.join(' ')).toMatch(/on the first \d+ images/);
      await service['runs:delete']({ id: run });
    }), { numRuns: 15 });
  });

  it('per attack the evaluation at the row\'s eps is chosen over a newer one at 4/255; one only at 4/255 is shown marked and left out of the worst case', async () => {
    const pgd = Uint8Array.from([1, 1, 1, 0, 0, 1, 1, 1, 1, 1]);
    addEval(a, 'pgd', EPS, pgd);
    addEval(a, 'pgd', 4 / 255, Uint8Array.from([1, 1, 1, 1, 1, 1, 1, 1, 1, 1]));
    addEval(a, 'fgsm', 4 / 255, Uint8Array.from([0, 1, 1, 1, 1, 1, 1, 1, 1, 1]));
    addEval(a, 'square', EPS, Uint8Array.from([1, 1, 1, 1, 1, 0, 1, 1, 1, 1]));
    const m = await service['evals:matrix']({ runIds: [a], rows: 'runs' });
    const row = m.rows[0];
    expect(row.cells.pgd!.mean).toBeCloseTo(0.8, 12);
    expect(row.cells.pgd!.marks).toEqual([]);
    expect(row.cells.fgsm!.eps).toBeCloseTo(4 / 255, 12);
    expect(row.cells.fgsm!.marks).toEqual(["ε = 4/255, not the row's 8/255"]);
    // pgd breaks images 3, 4; square image 5: 7 of 10 robust to both (fgsm at another eps not counted).
    expect(row.worstCase!.mean).toBeCloseTo(0.7, 12);
    expect(row.worstCase!.attacks).toEqual(['pgd', 'square']);
    expect(row.worstCase!.marks).toEqual(['left out: fgsm (ε 4/255)']);
    expect(row.cells.clean!.mean).toBe(0.9);
    expect(m.columns.map((x) => x.label)).toEqual(['Clean', 'FGSM', 'PGD-3', 'Square']);
  });

  it('eps "4/255" requested: the 4/255 evaluations are chosen and the worst case counts fgsm and pgd', async () => {
    const m = await service['evals:matrix']({ runIds: [a], rows: 'runs', eps: '4/255' });
    expect(m.rows[0].eps).toBeCloseTo(4 / 255, 12);
    expect(m.rows[0].cells.pgd!.mean).toBe(1);
    expect(m.rows[0].worstCase!.mean).toBeCloseTo(0.9, 12);
    expect(m.rows[0].worstCase!.attacks).toEqual(['fgsm', 'pgd']);
  });

  it('groups: the seeds group is mean and sample std of its two runs (pgd 0.8 and 0.6, worst case per run then averaged); n differing from the column\'s is marked', async () => {
    addEval(b, 'pgd', EPS, Uint8Array.from([1, 1, 0, 0, 1, 1, 0, 0, 1, 1]));
    addEval(b, 'square', EPS, Uint8Array.from([1, 1, 1, 1, 1, 1, 1, 1, 1, 1]));
    addEval(c, 'pgd', EPS, Uint8Array.from([1, 0, 1, 0, 1]), { steps: 10 });
    const m = await service['evals:matrix']({ runIds: [a, b, c], rows: 'groups' });
    expect(m.rows.map((r) => r.label)).toEqual(['seeds', 'adv/global/small-cnn/synthetic']);
    const g = m.rows[0];
    expect(g.runIds).toEqual([a, b]);
    expect(g.cells.pgd!.mean).toBeCloseTo(0.7, 12);
    expect(g.cells.pgd!.std).toBeCloseTo(Math.sqrt(((0.8 - 0.7) ** 2 + (0.6 - 0.7) ** 2) / 1), 12);
    expect(g.cells.pgd!.runs).toBe(2);
    expect(g.cells.pgd!.se).toBeCloseTo(Math.sqrt(0.8 * 0.2 / 10 + 0.6 * 0.4 / 10) / 2, 12);
    expect(g.worstCase!.mean).toBeCloseTo((0.7 + 0.6) / 2, 12);
    expect(g.cells.fgsm!.marks).toContain("1 of the group's 2 runs have no FGSM evaluation");
    const other = m.rows[1];
    expect(other.cells.pgd!.marks).toEqual(expect.arrayContaining(['n 5, the column\'s: 10', 'iterations 10, the column\'s: 3']));
    expect(m.columns.find((x) => x.key === 'pgd')!.label).toBe('PGD-k');
  });

  it('a run evaluated without per-image outcomes: the column is shown, the worst case names it left out', async () => {
    const run = (await service['runs:start']({ config: { ...SMALL, seed: 7 }, name: 'no-outcomes' })).id;
    await service.waitForRun(run);
    addEval(run, 'pgd', EPS, null, { n: 10 });
    addEval(run, 'fgsm', EPS, Uint8Array.from([1, 0, 1, 1, 1, 1, 1, 1, 1, 1]));
    const r = (await service['evals:matrix']({ runIds: [run], rows: 'runs' })).rows[0];
    expect(r.cells.pgd!.mean).toBe(0.5);
    expect(r.worstCase!.attacks).toEqual(['fgsm']);
    expect(r.worstCase!.marks).toEqual(['left out: pgd (no per-image outcomes stored)']);
  });

  it('through dispatch (as HTTP and IPC call it): rows defaults to one per run; an unknown run is not-found naming it; rows "seeds" is refused', async () => {
    const m = await dispatch(service, 'evals:matrix', { runIds: [a, b] }) as { rows: Array<{ runIds: string[] }> };
    expect(m.rows.map((r) => r.runIds)).toEqual([[a], [b]]);
    await expect(dispatch(service, 'evals:matrix', { runIds: ['nope'] })).rejects.toThrow(/no run "nope"/);
    await expect(dispatch(service, 'evals:matrix', { runIds: [a], rows: 'seeds' })).rejects.toThrow(/rows/);
  });

  it('bad eps is a bad request naming the value', async () => {
    await expect(service['evals:matrix']({ runIds: [a], rows: 'runs', eps: 'eight' })).rejects.toThrow(/"eight"/);
  });
});
