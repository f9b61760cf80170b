/**
 * The presets of the paper's tables (shared/presets.ts) as the API and the CLI see them,
 * and a run's full configuration from a preset plus overrides.
 */
import type { ApiResponses } from '../shared/channels.js';
import { applyPreset, listPresets as enginePresets } from '../shared/presets.js';
import { parseRunConfig, type RunConfig, type RunConfigInput } from '../shared/run-config.js';

export async function listPresets(): Promise<ApiResponses['presets:list']> {
  return enginePresets().map((p) => ({ name: p.name, description: p.description, config: { ...p.config } }));
}

/**
 * The preset (if named) with `overrides` on top, validated with the RunConfig schema; throws
 * ConfigError naming the bad key, value or preset (with the closest preset names).
 */
export async function resolveRunConfig(preset: string | undefined, overrides: RunConfigInput, where: string): Promise<RunConfig> {
  if (!preset) return parseRunConfig(overrides, where);
  return applyPreset(preset, overrides);
}
