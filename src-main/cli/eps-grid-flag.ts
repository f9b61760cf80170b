/**
 * `--eps-grid 0,1/255,2/255,...`: the eps values of one grid evaluation, each a decimal number or
 * a fraction in [0, 1], strictly increasing. A bad value is a usage error (exit 2) that quotes it.
 */
import { parseFraction } from '../shared/run-config.js';
import { UsageError } from './common.js';

export function epsGridFlag(v: string): number[] {
  if (v.trim() === '') throw new UsageError('--eps-grid is empty; give values like 0,2/255,8/255');
  const parts = v.split(',');
  const grid = parts.map((s) => {
    const e = parseFraction(s.trim());
    if (!Number.isFinite(e)) throw new UsageError(`--eps-grid value ${JSON.stringify(s)} is not a number or a fraction like 8/255`);
    if (e < 0 || e > 1) throw new UsageError(`--eps-grid value ${JSON.stringify(s)} (= ${e}) must be in [0, 1] for images in [0, 1]`);
    return e;
  });
  for (let i = 1; i < grid.length; i++) {
    if (!(grid[i] > grid[i - 1])) throw new UsageError(`--eps-grid must be strictly increasing (${JSON.stringify(parts[i - 1])} then ${JSON.stringify(parts[i])})`);
  }
  return grid;
}
