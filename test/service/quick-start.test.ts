/**
 * The quick-start's two runs (shared/quick-start.ts) are the presets they name, validated by the
 * service's own resolution (preset, then overrides, then the schema): Table 4's ADV and
 * ADV-Leaked-ASCL on the bundled MNIST with small-cnn, differing only in the objective's fields.
 */
import { describe, expect, it } from 'vitest';
import { resolveRunConfig } from '../../src-main/service/presets.js';
import { getPreset } from '../../src-main/shared/presets.js';
import { QUICK_START_CONFIG, QUICK_START_RUNS, quickStartRequests } from '../../src-main/shared/quick-start.js';

describe('quick-start configurations', () => {
  it('two runs: table4/adv and table4/adv-leaked-ascl, on mnist, small-cnn, 2000 digits, 3 epochs, batch norm on', async () => {
    expect(QUICK_START_RUNS.map((r) => r.preset)).toEqual(['table4/adv', 'table4/adv-leaked-ascl']);
    expect(getPreset('table4/adv').row).toMatch(/ADV/);
    const configs = await Promise.all(quickStartRequests().map((r) => resolveRunConfig(r.preset, r.config, 'quick-start test')));
    expect(configs.map((c) => [c.defense, c.selection])).toEqual([['adv', 'global'], ['ascl', 'leaked']]);
    for (const c of configs) {
      expect(c).toMatchObject({ dataset: 'mnist', model: 'small-cnn', batchNorm: true, limit: 2000, epochs: 3, evalSubset: 500, batchSize: 128, pgdSteps: 10, lrMilestones: [], seed: 0 });
    }
    expect(configs[1]).toMatchObject({ lambdaScl: 1, lambdaVat: 2, adversary: 'pgd' });
    // Same setting but the objective: the keys that differ are the defense's own.
    const differ = (Object.keys(configs[0]) as Array<keyof typeof configs[0]>).filter((k) => JSON.stringify(configs[0][k]) !== JSON.stringify(configs[1][k]));
    expect(differ.sort()).toEqual(['defense', 'selection']);
  });

  it('epochs is the one override: 1 gives epochs 1 in both; 0, 1.5 and 51 are refused naming the value', () => {
    expect(quickStartRequests(1).map((r) => r.config.epochs)).toEqual([1, 1]);
    expect(QUICK_START_CONFIG.epochs).toBe(3);
    for (const bad of [0, 1.5, 51]) expect(() => quickStartRequests(bad)).toThrow(new RegExp(`quickStartRequests: epochs must be an integer from 1 to 50, got ${bad}`));
  });
});
