import { describe, expect, it } from 'vitest';
import { clipToRange, decimateMinMax, type XY } from '../../src-renderer/src/lib/decimate.js';
import { Rng } from '../../src-main/engine/rng.js';

const series = (n: number, f: (i: number) => number): XY[] => Array.from({ length: n }, (_, i) => ({ x: i, y: f(i) }));

describe('decimateMinMax', () => {
  it('10000 noisy points into 100 buckets: at most 400 points, every bucket min and max kept', () => {
    const rng = new Rng(1);
    const pts = series(10_000, () => rng.next());
    const out = decimateMinMax(pts, 100);
    expect(out.length).toBeLessThanOrEqual(400);
    for (let b = 0; b < 100; b++) {
      const inBucket = pts.filter((p) => Math.min(99, Math.floor((p.x / 9999) * 100)) === b);
      const kept = out.filter((p) => Math.min(99, Math.floor((p.x / 9999) * 100)) === b);
      expect(Math.min(...kept.map((p) => p.y))).toBe(Math.min(...inBucket.map((p) => p.y)));
      expect(Math.max(...kept.map((p) => p.y))).toBe(Math.max(...inBucket.map((p) => p.y)));
    }
  });

  it('a single spike of 1e6 among 5000 zeros survives decimation to 50 buckets', () => {
    const pts = series(5000, (i) => (i === 3217 ? 1e6 : 0));
    const out = decimateMinMax(pts, 50);
    expect(out.some((p) => p.x === 3217 && p.y === 1e6)).toBe(true);
  });

  it('keeps x order, the first and the last point, and returns short series unchanged (30 points, 10 buckets)', () => {
    const rng = new Rng(2);
    const long = series(3000, () => rng.next());
    const out = decimateMinMax(long, 40);
    for (let i = 1; i < out.length; i++) expect(out[i].x).toBeGreaterThan(out[i - 1].x);
    expect(out[0]).toEqual(long[0]);
    expect(out.at(-1)).toEqual(long.at(-1));
    const short = series(30, (i) => i * i);
    expect(decimateMinMax(short, 10)).toEqual(short);
  });

  it('is deterministic (no sampling): the same input gives the same output', () => {
    const rng = new Rng(3);
    const pts = series(2000, () => rng.next());
    expect(decimateMinMax(pts, 37)).toEqual(decimateMinMax(pts, 37));
  });

  it('rejects buckets = 0 naming the value', () => {
    expect(() => decimateMinMax([], 0)).toThrow(/buckets must be a positive integer \(got 0\)/);
  });
});

describe('clipToRange', () => {
  it('x in [10, 20] of 0..99 keeps 9..21 (one neighbour each side)', () => {
    const out = clipToRange(series(100, (i) => i), 10, 20);
    expect(out[0].x).toBe(9);
    expect(out.at(-1)!.x).toBe(21);
    expect(out).toHaveLength(13);
  });
});
