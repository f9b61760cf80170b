/** The study file: defaults, unknown keys and newer versions refused, and the plan of presets x seeds with its checks. */
import { describe, expect, it } from 'vitest';
import { parseStudy, STUDY_VERSION } from '../../src-main/shared/study.js';
import { planStudy } from '../../src-main/service/study/plan.js';

const MIN = { name: 's1', runs: { presets: ['table3/*'], seeds: { from: 0, to: 2 }, overrides: { model: 'small-cnn', epochs: 2 } }, evaluation: { attacks: [{ attack: 'pgd' }] } };

describe('study schema', () => {
  it(`fills the documented defaults (studyVersion ${STUDY_VERSION}, eps null, seed 0, first-n, summary last)`, () => {
    const s = parseStudy(MIN);
    expect(s).toMatchObject({ studyVersion: STUDY_VERSION, description: '', evaluation: { eps: null, n: null, seed: 0, subset: 'first-n', rdivEps: null,
      attacks: [{ attack: 'pgd', steps: null, n: null }] }, report: { groups: [], summary: { kind: 'last' }, differences: [] } });
  });
  it('rejects an unknown key at every level, naming it', () => {
    expect(() => parseStudy({ ...MIN, extra: 1 })).toThrow(/extra/);
    expect(() => parseStudy({ ...MIN, evaluation: { attacks: [{ attack: 'pgd', stepz: 3 }] } })).toThrow(/stepz/);
    expect(() => parseStudy({ ...MIN, runs: { ...MIN.runs, seed: 1 } })).toThrow(/seed/);
  });
  it('refuses a newer studyVersion and a bad name', () => {
    expect(() => parseStudy({ ...MIN, studyVersion: STUDY_VERSION + 1 })).toThrow(/newer/);
    expect(() => parseStudy({ ...MIN, name: '../x' })).toThrow(/name/);
  });
});

describe('study plan', () => {
  it('table3/* x seeds 0-2 = 4 presets x 3 seeds = 12 runs, each with the overrides and its seed', () => {
    const plan = planStudy(parseStudy(MIN));
    expect(plan).toHaveLength(12);
    expect(new Set(plan.map((p) => p.group))).toEqual(new Set(['ASCL', 'Hard-ASCL', 'Soft-ASCL', 'Leaked-ASCL']));
    for (const p of plan) expect(p.config).toMatchObject({ model: 'small-cnn', epochs: 2, seed: p.seed, lrMilestones: [] });
    expect(new Set(plan.map((p) => p.key)).size).toBe(12);
  });
  it('refuses a pattern matching no preset, two presets with one configuration, a difference naming no group, a bad override', () => {
    expect(() => planStudy(parseStudy({ ...MIN, runs: { ...MIN.runs, presets: ['table9/*'] } }))).toThrow(/table9/);
    expect(() => planStudy(parseStudy({ ...MIN, runs: { ...MIN.runs, presets: ['table3/ascl', 'table4/adv-ascl'] } }))).toThrow(/same configuration/);
    expect(() => planStudy(parseStudy({ ...MIN, report: { differences: [{ of: 'ASCL', minus: 'ADV' }] } }))).toThrow(/"ADV"/);
    expect(() => planStudy(parseStudy({ ...MIN, runs: { ...MIN.runs, overrides: { epochs: 0 } } }))).toThrow(/epochs/);
  });
});
