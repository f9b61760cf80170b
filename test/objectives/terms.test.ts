/**
 * The term names of src-main/shared/terms.ts are the ones the objectives really record: every
 * defense (and both adversaries of adr and ascl) run one loss on a tiny dense model on the cpu
 * backend, and each recorded name must be a declared term with a label; the labels the renderer
 * draws come from the same map (TRADES' KL is stored as `kl`, labelled "TRADES KL").
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src-main/engine/tf.js';
import '@tensorflow/tfjs-backend-cpu';
import { parseRunConfig, type RunConfigInput } from '../../src-main/shared/run-config.js';
import { DEFENSES } from '../../src-main/shared/options.js';
import { TERMS, TERM_INFO, isTermName, termGroup, termLabel } from '../../src-main/shared/terms.js';
import { getObjective } from '../../src-main/engine/objectives/index.js';
import type { ObjectiveContext } from '../../src-main/engine/objectives/objective.js';
import { Rng } from '../../src-main/engine/rng.js';
import { classifyTerms } from '../../src-renderer/src/lib/series.js';
import { tinyModel } from './tiny-model.js';

beforeAll(async () => { await tf.setBackend('cpu'); });

function recordedNames(config: RunConfigInput): string[] {
  const c = parseRunConfig({ dataset: 'synthetic', pgdSteps: 2, ...config });
  const model = tinyModel(3, 3, 'none');
  const rng = new Rng(1);
  const x = tf.tensor4d(Float32Array.from({ length: 6 * 16 }, () => rng.next()), [6, 4, 4, 1]);
  const y = tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32');
  const ctx: ObjectiveContext = { model, config: c, eps: 0.1, stepSize: 0.03, rng: new Rng(2), epoch: 1, step: 0, augment: (t) => tf.tidy(() => tf.reverse(t, 2)) };
  const objective = getObjective(c.defense);
  const prepared = objective.prepare(ctx, x, y);
  const names: string[] = [];
  tf.tidy(() => { objective.loss(ctx, prepared, (n) => { names.push(n); }); });
  prepared.xAdv?.dispose();
  tf.dispose([x, y]);
  model.dispose();
  return names;
}

const CASES: RunConfigInput[] = [
  ...DEFENSES.map((defense) => ({ defense })),
  { defense: 'adr', adversary: 'trades' }, { defense: 'ascl', adversary: 'trades' },
];

describe('loss-term names (shared/terms.ts)', () => {
  it.each(CASES.map((c) => [`${c.defense}/${c.adversary ?? 'pgd'}`, c] as const))('%s records only declared terms, each with a label', (_name, config) => {
    const names = recordedNames(config);
    expect(names.length).toBeGreaterThan(0);
    for (const n of names) {
      expect(isTermName(n), `${n} is not declared in shared/terms.ts`).toBe(true);
      expect(termLabel(n)).not.toBe(n);
    }
  });

  it('TRADES records its KL as TERMS.tradesKl ("kl", as every stored run), labelled "TRADES KL" and drawn as a loss', () => {
    const names = recordedNames({ defense: 'trades' });
    expect(names).toContain(TERMS.tradesKl);
    expect(TERMS.tradesKl).toBe('kl');
    expect(termLabel('kl')).toBe('TRADES KL');
    expect(classifyTerms(names).loss).toContain('kl');
  });

  it('the renderer groups counts, R-DIV and losses by the shared groups; accuracies and optimiser figures are not term charts; unknown names are kept as losses', () => {
    const all = Object.keys(TERM_INFO).concat(['some_future_term']);
    const t = classifyTerms(all);
    expect(t.counts).toEqual(['neg_adv', 'neg_benign', 'pos_adv', 'pos_benign']);
    expect(t.rdiv).toEqual(['d_minus', 'd_plus', 'rdiv']);
    expect(t.loss[0]).toBe('loss');
    expect(t.loss).toContain('some_future_term');
    expect(t.loss.some((n) => termGroup(n) === 'accuracy' || termGroup(n) === 'optimizer')).toBe(false);
  });
});
