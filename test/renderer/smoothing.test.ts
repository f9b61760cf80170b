import { describe, expect, it } from 'vitest';
import { smoothEma } from '../../src-renderer/src/lib/smoothing.js';

describe('smoothEma', () => {
  it('weight 0 returns the input; a constant series stays constant for weight 0.9 (debiased)', () => {
    const pts = [1, 5, 2].map((y, x) => ({ x, y }));
    expect(smoothEma(pts, 0)).toEqual(pts);
    const flat = smoothEma(Array.from({ length: 20 }, (_, x) => ({ x, y: 3 })), 0.9);
    for (const p of flat) expect(p.y).toBeCloseTo(3, 12);
  });

  it('weight 0.5 on [0, 4]: second value (0.5*0*0.5+0.5*4)/(1-0.25) = 8/3', () => {
    const out = smoothEma([{ x: 0, y: 0 }, { x: 1, y: 4 }], 0.5);
    expect(out[0].y).toBeCloseTo(0, 12);
    expect(out[1].y).toBeCloseTo(8 / 3, 12);
  });

  it('rejects weight 1 naming the value', () => {
    expect(() => smoothEma([], 1)).toThrow(/weight must be in \[0, 1\) \(got 1\)/);
  });
});
