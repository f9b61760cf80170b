/**
 * Exponential moving average with debiasing (as TensorBoard's smoothing slider): the first
 * points are not pulled towards 0. weight 0 returns the series unchanged; weight must be < 1.
 */
import type { XY } from './decimate.js';

export function smoothEma(points: readonly XY[], weight: number): XY[] {
  if (!(weight >= 0 && weight < 1)) throw new Error(`smoothEma: weight must be in [0, 1) (got ${weight})`);
  if (weight === 0) return points.slice();
  let last = 0;
  let n = 0;
  return points.map((p) => {
    if (!Number.isFinite(p.y)) return { x: p.x, y: p.y };
    n++;
    last = last * weight + (1 - weight) * p.y;
    const debias = 1 - weight ** n;
    return { x: p.x, y: last / debias };
  });
}
