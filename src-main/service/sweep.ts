/**
 * runs:sweep: the base configuration crossed with every listed value of every axis (e.g. the
 * four selection strategies x 3 seeds). Each combination is validated before anything is stored.
 */
import { parseRunConfig, RunConfigSchema, type RunConfig } from '../shared/run-config.js';

export const MAX_SWEEP_RUNS = 500;

export interface SweepItem { name: string; group: string; config: RunConfig }

export function buildSweep(base: RunConfig, axes: Record<string, Array<string | number | boolean>>, name?: string): SweepItem[] {
  const keys = Object.keys(axes);
  if (keys.length === 0) throw new Error('buildSweep: the sweep has no axes; give at least one (e.g. seed: [0, 1, 2]) or start a single run');
  for (const k of keys) {
    if (!Object.prototype.hasOwnProperty.call(RunConfigSchema.shape, k)) {
      throw new Error(`buildSweep: unknown configuration key ${JSON.stringify(k)} in the sweep axes`);
    }
  }
  const total = keys.reduce((n, k) => n * axes[k].length, 1);
  if (total > MAX_SWEEP_RUNS) throw new Error(`buildSweep: the sweep has ${total} runs; at most ${MAX_SWEEP_RUNS} at once`);
  let combos: Array<Record<string, string | number | boolean>> = [{}];
  for (const k of keys) combos = combos.flatMap((c) => axes[k].map((v) => ({ ...c, [k]: v })));
  const prefix = name?.trim() || 'sweep';
  return combos.map((combo) => {
    const config = parseRunConfig({ ...base, ...combo }, `buildSweep(${JSON.stringify(combo)})`);
    // Runs differing only in the seed share a group: the compare table averages over seeds.
    const label = Object.entries(combo).filter(([k]) => k !== 'seed').map(([k, v]) => `${k}=${v}`).join(',');
    const group = label ? `${prefix}/${label}` : prefix;
    const suffix = Object.entries(combo).map(([k, v]) => `${k}=${v}`).join(',');
    return { name: suffix ? `${prefix} ${suffix}` : prefix, group, config };
  });
}
