/**
 * Geometry of an evaluation's small per-iteration chart: robust accuracy (y, 0..1) against total
 * attack iterations (x, log scale as log10(1 + t), so the start t = 0, the clean accuracy, is drawn).
 * Pure, so it is tested without a DOM.
 */
import type { IterationPoint } from '../../../src-main/shared/rows.js';

export interface CurveGeometry {
  /** SVG polyline points "x,y x,y ...", starting at t = 0 with the clean accuracy. */
  polyline: string;
  dots: Array<{ x: number; y: number; label: string }>;
  xTicks: Array<{ x: number; label: string }>;
  yTicks: Array<{ y: number; label: string }>;
}

export const CURVE_PAD = { left: 34, right: 8, top: 6, bottom: 18 } as const;

export function curveGeometry(points: readonly IterationPoint[], cleanAccuracy: number, width: number, height: number): CurveGeometry {
  const maxT = Math.max(1, ...points.map((p) => p.total));
  const lx = (t: number): number => Math.log10(1 + t);
  const plotW = width - CURVE_PAD.left - CURVE_PAD.right;
  const plotH = height - CURVE_PAD.top - CURVE_PAD.bottom;
  const x = (t: number): number => CURVE_PAD.left + (lx(t) / lx(maxT)) * plotW;
  const y = (a: number): number => CURVE_PAD.top + (1 - a) * plotH;
  const r = (v: number): number => Math.round(v * 10) / 10;
  const all = [{ t: 0, a: cleanAccuracy, label: `start (clean): ${(cleanAccuracy * 100).toFixed(1)}%` },
    ...points.map((p) => ({ t: p.total, a: p.robustAccuracy, label: `${p.run > 0 ? `restart ${p.run + 1}, ` : ''}iteration ${p.iteration}: ${(p.robustAccuracy * 100).toFixed(1)}%` }))];
  const decades: number[] = [];
  for (let t = 1; t < maxT; t *= 10) decades.push(t);
  return {
    polyline: all.map((p) => `${r(x(p.t))},${r(y(p.a))}`).join(' '),
    dots: all.map((p) => ({ x: r(x(p.t)), y: r(y(p.a)), label: p.label })),
    xTicks: [0, ...decades, maxT].map((t) => ({ x: r(x(t)), label: String(t) })),
    yTicks: [0, 0.5, 1].map((a) => ({ y: r(y(a)), label: `${a * 100}%` })),
  };
}
