import { beforeAll, describe, expect, it } from 'vitest';
import '@tensorflow/tfjs-backend-cpu';
import { tf } from '../../src-main/engine/tf.js';
import { Rng } from '../../src-main/engine/rng.js';
import { batches, numBatches } from '../../src-main/engine/data/batches.js';
import { createSyntheticDataset } from '../../src-main/engine/data/synthetic.js';

beforeAll(async () => { await tf.setBackend('cpu'); });
const d = createSyntheticDataset({ trainCount: 50, testCount: 10, height: 4, width: 4, seed: 1 });
const shape = { height: 4, width: 4, channels: 3 };

describe('batches', () => {
  it('50 samples, batch 16, shuffled: 4 batches (16,16,16,2) covering every index once; x/y match the indices', () => {
    const seen: number[] = [];
    const sizes: number[] = [];
    for (const b of batches(d.train, shape, { batchSize: 16, rng: new Rng(1) })) {
      expect(b.x.shape).toEqual([b.indices.length, 4, 4, 3]);
      expect(b.y.dtype).toBe('int32');
      const x = b.x.dataSync(), y = b.y.dataSync();
      b.indices.forEach((idx, k) => {
        expect(y[k]).toBe(d.train.labels[idx]);
        expect(x[k * 48 + 5]).toBe(d.train.images[idx * 48 + 5]);
      });
      seen.push(...b.indices); sizes.push(b.indices.length);
      tf.dispose([b.x, b.y]);
    }
    expect(sizes).toEqual([16, 16, 16, 2]);
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(seen).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('seeded order: rng seed 5 twice equal, seed 6 differs; shuffle false keeps file order; limit 20 dropLast batch 8 -> 2 batches of the first 20', () => {
    const order = (seed: number): number[] => {
      const out: number[] = [];
      for (const b of batches(d.train, shape, { batchSize: 50, rng: new Rng(seed) })) { out.push(...b.indices); tf.dispose([b.x, b.y]); }
      return out;
    };
    expect(order(5)).toEqual(order(5));
    expect(order(5)).not.toEqual(order(6));
    const plain: number[] = [];
    for (const b of batches(d.train, shape, { batchSize: 7, shuffle: false })) { plain.push(...b.indices); tf.dispose([b.x, b.y]); }
    expect(plain).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const limited: number[][] = [];
    for (const b of batches(d.train, shape, { batchSize: 8, rng: new Rng(2), limit: 20, dropLast: true })) { limited.push([...b.indices]); tf.dispose([b.x, b.y]); }
    expect(limited.length).toBe(2);
    expect(Math.max(...limited.flat())).toBeLessThan(20);
    expect(numBatches(50, { batchSize: 8, limit: 20, dropLast: true })).toBe(2);
  });

  it('augmentation on, whole-pixel-zero: values are a permutation/zero-fill of the sample (no new values); batchSize 0 throws', () => {
    for (const b of batches(d.train, shape, { batchSize: 10, rng: new Rng(3), augment: { shiftMode: 'whole-pixel-zero' } })) {
      const x = b.x.dataSync();
      const idx = b.indices[0];
      const src = new Set(d.train.images.subarray(idx * 48, (idx + 1) * 48));
      for (const v of x.subarray(0, 48)) expect(v === 0 || src.has(v)).toBe(true);
      tf.dispose([b.x, b.y]);
    }
  });

  it('augmentation on, keras-continuous-nearest (default): every value is a convex mix of the sample (within its min and max)', () => {
    for (const b of batches(d.train, shape, { batchSize: 10, rng: new Rng(3), augment: {} })) {
      const x = b.x.dataSync();
      const idx = b.indices[0];
      const src = d.train.images.subarray(idx * 48, (idx + 1) * 48);
      const lo = src.reduce((m, v) => Math.min(m, v), Infinity), hi = src.reduce((m, v) => Math.max(m, v), -Infinity);
      for (const v of x.subarray(0, 48)) { expect(v).toBeGreaterThanOrEqual(lo - 1e-6); expect(v).toBeLessThanOrEqual(hi + 1e-6); }
      tf.dispose([b.x, b.y]);
    }
    expect(() => batches(d.train, shape, { batchSize: 0, rng: new Rng(1) }).next()).toThrow(/batchSize must be a positive integer, got 0/);
  });

  it('no tensor leak: all batches disposed -> numTensors unchanged', () => {
    const n0 = tf.memory().numTensors;
    for (const b of batches(d.train, shape, { batchSize: 16, rng: new Rng(4), augment: {} })) tf.dispose([b.x, b.y]);
    expect(tf.memory().numTensors).toBe(n0);
  });
});
