/**
 * Every preset of Tables 2-7 is a valid configuration that trains one epoch on the synthetic data
 * (small-cnn instead of the table's ResNet, 32 samples, PGD-2), and bad names get a helpful error.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src-main/engine/tf.js';
import { initBackend } from '../../src-main/engine/backend/index.js';
import { applyPreset, listPresets } from '../../src-main/shared/presets.js';
import { createSyntheticDataset } from '../../src-main/engine/data/index.js';
import { train } from '../../src-main/engine/train/index.js';
import type { EpochMetrics } from '../../src-main/engine/train/types.js';

const DATA = createSyntheticDataset({ trainCount: 32, testCount: 8, height: 8, width: 8, seed: 1 });
const TINY = { dataset: 'synthetic', model: 'small-cnn', epochs: 1, batchSize: 16, limit: 32, evalSubset: 8, pgdSteps: 1 } as const;

beforeAll(async () => { await initBackend('wasm'); });

describe('presets', () => {
  const presets = listPresets();

  it('cover every row of Tables 2-7', () => {
    const perTable = presets.reduce<Record<number, number>>((m, p) => ({ ...m, [p.table]: (m[p.table] ?? 0) + 1 }), {});
    expect(perTable).toEqual({ 2: 5, 3: 4, 4: 8, 5: 4, 6: 6, 7: 10 }); // Table 7: 9 rows + the chosen (1, 2)
    expect(new Set(presets.map((p) => p.name)).size).toBe(presets.length);
    for (const name of ['table2/adv-scl', 'table3/ascl', 'table3/leaked-ascl', 'table4/trades-leaked-ascl', 'table6/ascl-p2', 'table7/scl1-vat2']) {
      expect(presets.map((p) => p.name)).toContain(name);
    }
  });

  it.each(presets.map((p) => ({ name: p.name, row: p.row })))('$name ("$row") trains one epoch on synthetic data', async ({ name }) => {
    const config = applyPreset(name, TINY);
    const epochs: EpochMetrics[] = [];
    const before = tf.memory().numTensors;
    const result = await train({ config, dataset: DATA, backend: 'wasm', hooks: { onEpoch: (m) => { epochs.push(m); } } });
    expect(result.status).toBe('completed');
    expect(epochs).toHaveLength(1);
    expect(Number.isFinite(epochs[0].terms.loss)).toBe(true);
    if (config.defense === 'ascl' && config.lambdaScl > 0) expect(epochs[0].terms.pos_benign).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('the table rows carry their settings (leaked, trades, p2, lambdas)', () => {
    expect(applyPreset('table3/leaked-ascl')).toMatchObject({ defense: 'ascl', selection: 'leaked', model: 'resnet20', lambdaScl: 1, lambdaVat: 2, tau: 0.07, distance: 'cosine' });
    expect(applyPreset('table4/trades-leaked-ascl')).toMatchObject({ adversary: 'trades', selection: 'leaked', tradesBeta: 6 });
    expect(applyPreset('table6/leaked-ascl-p2')).toMatchObject({ projectionHead: 'p2', selection: 'leaked' });
    expect(applyPreset('table7/scl3-vat0')).toMatchObject({ lambdaScl: 3, lambdaVat: 0 });
    expect(applyPreset('table5/adv-adr', { dataset: 'cifar100' })).toMatchObject({ defense: 'adr', model: 'resnet50', dataset: 'cifar100' });
  });

  it('an unknown preset names similar ones; a bad override names the key', () => {
    expect(() => applyPreset('table3/leaky-ascl')).toThrow(/unknown preset "table3\/leaky-ascl"; similar: table3\/ascl, table3\/hard-ascl/);
    expect(() => applyPreset('leaked-ascl')).toThrow(/similar: .*table3\/leaked-ascl/);
    expect(() => applyPreset('table3/ascl', { tau: -1 })).toThrow(/tau/);
  });
});
