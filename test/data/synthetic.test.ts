import { describe, expect, it } from 'vitest';
import { createSyntheticDataset } from '../../src-main/engine/data/synthetic.js';
import { loadDataset, DatasetError } from '../../src-main/engine/data/index.js';

describe('synthetic dataset', () => {
  it('defaults: 2000 train / 500 test, 32x32x3, 10 balanced classes, values in [0,1]', async () => {
    const d = await loadDataset('synthetic', { seed: 1 });
    expect([d.height, d.width, d.channels, d.numClasses]).toEqual([32, 32, 3, 10]);
    expect(d.train.count).toBe(2000);
    expect(d.train.images.length).toBe(2000 * 3072);
    expect(d.test.labels.length).toBe(500);
    const counts = new Array(10).fill(0);
    for (const l of d.train.labels) counts[l]++;
    expect(counts).toEqual(new Array(10).fill(200));
    let min = Infinity, max = -Infinity;
    for (const v of d.train.images) { if (v < min) min = v; if (v > max) max = v; }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThanOrEqual(1);
  });

  it('seeded: seed 4 twice identical, seed 5 different', () => {
    const a = createSyntheticDataset({ seed: 4, trainCount: 50, testCount: 10 });
    const b = createSyntheticDataset({ seed: 4, trainCount: 50, testCount: 10 });
    const c = createSyntheticDataset({ seed: 5, trainCount: 50, testCount: 10 });
    expect(a.train.images).toEqual(b.train.images);
    expect(a.train.labels).toEqual(b.train.labels);
    expect(a.train.images).not.toEqual(c.train.images);
  });

  it('limit 100 keeps the first 100 training samples and the whole test split', async () => {
    const full = await loadDataset('synthetic', { seed: 2 });
    const d = await loadDataset('synthetic', { seed: 2, limit: 100 });
    expect(d.train.count).toBe(100);
    expect(d.train.labels).toEqual(full.train.labels.subarray(0, 100));
    expect(d.test.count).toBe(500);
  });

  it('rejects trainCount 0 with a DatasetError naming the option', () => {
    expect(() => createSyntheticDataset({ trainCount: 0 })).toThrow(DatasetError);
    expect(() => createSyntheticDataset({ trainCount: 0 })).toThrow(/trainCount must be a positive integer, got 0/);
  });
});
