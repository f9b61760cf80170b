/** The per-iteration chart's geometry (src-renderer/src/lib/iteration-curve.ts) against the closed form of its log-x, linear-y mapping. */
import { describe, expect, it } from 'vitest';
import { CURVE_PAD, curveGeometry } from '../../src-renderer/src/lib/iteration-curve.js';

describe('curveGeometry (260 x 84 box, PGD-20 record 1, 2, 5, 10, 20, clean 0.8)', () => {
  it('x = left + log10(1 + t) / log10(21) * plot width, y = top + (1 - a) * plot height; starts at t = 0 with the clean accuracy; ticks 0, 1, 10, 20', () => {
    const accs = [0.7, 0.6, 0.5, 0.45, 0.44];
    const pts = [1, 2, 5, 10, 20].map((k, j) => ({ run: 0, iteration: k, total: k, robustAccuracy: accs[j] }));
    const g = curveGeometry(pts, 0.8, 260, 84);
    const plotW = 260 - CURVE_PAD.left - CURVE_PAD.right;
    const plotH = 84 - CURVE_PAD.top - CURVE_PAD.bottom;
    const ts = [0, 1, 2, 5, 10, 20];
    const as = [0.8, ...accs];
    expect(g.dots.length).toBe(6);
    g.dots.forEach((d, i) => {
      expect(d.x).toBeCloseTo(CURVE_PAD.left + (Math.log10(1 + ts[i]) / Math.log10(21)) * plotW, 0);
      expect(d.y).toBeCloseTo(CURVE_PAD.top + (1 - as[i]) * plotH, 0);
    });
    expect(g.dots[0].label).toBe('start (clean): 80.0%');
    expect(g.polyline.split(' ').length).toBe(6);
    expect(g.xTicks.map((t) => t.label)).toEqual(['0', '1', '10', '20']);
    expect(g.dots.at(-1)!.x).toBeCloseTo(260 - CURVE_PAD.right, 5);
  });
  it('a second restart is labelled with its number and continues the x axis (total 21..40)', () => {
    const g = curveGeometry([{ run: 0, iteration: 20, total: 20, robustAccuracy: 0.5 }, { run: 1, iteration: 20, total: 40, robustAccuracy: 0.4 }], 0.9, 260, 84);
    expect(g.dots[2].label).toBe('restart 2, iteration 20: 40.0%');
    expect(g.xTicks.at(-1)!.label).toBe('40');
  });
});
