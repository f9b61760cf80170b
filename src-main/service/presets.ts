/**
 * The presets of the paper's tables (engine/config/presets.ts), loaded on demand and checked
 * against the shape the service relies on.
 */
import { z } from 'zod';
import type { ApiResponses } from '../api/channels.js';
import { ConfigError, formatIssues, parseRunConfig, type RunConfig } from '../engine/config/run-config.js';

const PRESETS_MODULE = '../engine/config/presets.js';

interface PresetsModule {
  listPresets: () => unknown;
  applyPreset: (name: string, overrides?: Record<string, unknown>) => unknown;
}

const PresetList = z.array(z.object({ name: z.string(), description: z.string(), config: z.record(z.string(), z.unknown()) }).loose());

async function presetsModule(): Promise<PresetsModule> {
  const spec: string = PRESETS_MODULE;
  const mod = (await import(spec)) as Partial<PresetsModule>;
  if (typeof mod.listPresets !== 'function' || typeof mod.applyPreset !== 'function') {
    throw new Error(`presets: ${PRESETS_MODULE} must export listPresets() and applyPreset(name, overrides)`);
  }
  return mod as PresetsModule;
}

export async function listPresets(): Promise<ApiResponses['presets:list']> {
  const raw = (await presetsModule()).listPresets();
  const r = PresetList.safeParse(raw);
  if (!r.success) throw new Error(`listPresets: unexpected presets list: ${formatIssues(r.error, raw)}`);
  return r.data.map((p) => ({ name: p.name, description: p.description, config: p.config }));
}

/**
 * A run's full configuration: the preset (if named) with `overrides` on top, validated with the
 * RunConfig schema. Throws ConfigError naming the bad key, value or preset.
 */
export async function resolveRunConfig(preset: string | undefined, overrides: Record<string, unknown>, where: string): Promise<RunConfig> {
  if (!preset) return parseRunConfig(overrides, where);
  const mod = await presetsModule();
  const names = PresetList.safeParse(mod.listPresets());
  if (names.success && !names.data.some((p) => p.name === preset)) {
    throw new ConfigError(`${where}: unknown preset ${JSON.stringify(preset)}; known: ${names.data.map((p) => p.name).join(', ')}`);
  }
  let applied: unknown;
  try {
    applied = mod.applyPreset(preset, overrides);
  } catch (err) {
    throw new ConfigError(`${where}: ${(err as Error).message}`);
  }
  // Re-validate: whatever the preset module returns is checked against the schema here too.
  return parseRunConfig(applied, where);
}
