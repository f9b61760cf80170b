/**
 * A study's plan: every run (preset x seed, with the study's overrides, validated as a full run
 * configuration) and every evaluation it asks for. Runs are identified by their canonical
 * configuration (stable JSON with every default filled in), never by name, so a run made by hand
 * with the same configuration counts, and a re-run of the study finds what it made before.
 */
import { applyPreset, listPresets } from '../../shared/presets.js';
import type { RunConfig } from '../../shared/run-config.js';
import { matchPresets, studySeeds, StudyError, type Study } from '../../shared/study.js';
import type { AttackName } from '../../shared/options.js';
import { attackBudget } from '../../shared/run-config.js';
import { stableJson } from '../compare.js';

export interface PlannedEval {
  attack: AttackName;
  eps: number;
  /** null: the attack's default (matched against any stored value; see docs/studies/README.md). */
  steps: number | null;
  n: number | null;
  seed: number;
}

export interface PlannedRun {
  preset: string;
  /** The report row it belongs to (a group label). */
  group: string;
  seed: number;
  config: RunConfig;
  /** Canonical configuration: stable JSON of the full configuration. */
  key: string;
  evals: PlannedEval[];
}

/** The canonical form of a configuration: two runs with equal keys are the same experiment. */
export function configKey(config: RunConfig): string {
  return stableJson(config);
}

/** Expands the study; throws StudyError naming a pattern that matches no preset, a preset in two groups, or a bad override. */
export function planStudy(study: Study): PlannedRun[] {
  const all = listPresets();
  const names = all.map((p) => p.name);
  const presets: string[] = [];
  for (const pattern of study.runs.presets) {
    const hit = matchPresets(pattern, names);
    if (hit.length === 0) throw new StudyError(`planStudy(${study.name}): the preset pattern ${JSON.stringify(pattern)} matches no preset (\`ascl presets\` lists them)`);
    for (const h of hit) if (!presets.includes(h)) presets.push(h);
  }
  const groupOf = new Map<string, string>();
  for (const g of study.report.groups) {
    for (const pattern of g.presets) {
      for (const p of matchPresets(pattern, presets)) {
        const before = groupOf.get(p);
        if (before !== undefined && before !== g.label) throw new StudyError(`planStudy(${study.name}): preset ${p} is in two report groups, ${JSON.stringify(before)} and ${JSON.stringify(g.label)}`);
        groupOf.set(p, g.label);
      }
    }
  }
  const rowOf = new Map(all.map((p) => [p.name, p.row]));
  const labels = new Set([...presets.map((p) => groupOf.get(p) ?? rowOf.get(p) ?? p)]);
  for (const d of study.report.differences) {
    for (const l of [d.of, d.minus]) {
      if (!labels.has(l)) throw new StudyError(`planStudy(${study.name}): the difference ${JSON.stringify(d)} names ${JSON.stringify(l)}, not a report group (groups: ${[...labels].join(', ')})`);
    }
  }
  const runs: PlannedRun[] = [];
  const seen = new Map<string, string>();
  for (const preset of presets) {
    for (const seed of studySeeds(study)) {
      let config: RunConfig;
      try {
        config = applyPreset(preset, { ...study.runs.overrides, seed });
      } catch (err) {
        throw new StudyError(`planStudy(${study.name}): preset ${preset}, seed ${seed}: ${(err as Error).message}`);
      }
      const key = configKey(config);
      const twin = seen.get(key);
      if (twin !== undefined) throw new StudyError(`planStudy(${study.name}): presets ${twin} and ${preset} give the same configuration at seed ${seed}; list it once`);
      seen.set(key, preset);
      const eps = study.evaluation.eps ?? attackBudget(config).eps;
      const evals = study.evaluation.attacks.map((a) => ({ attack: a.attack, eps, steps: a.steps, n: a.n ?? study.evaluation.n, seed: study.evaluation.seed }));
      runs.push({ preset, group: groupOf.get(preset) ?? rowOf.get(preset) ?? preset, seed, config, key, evals });
    }
  }
  return runs;
}

/** The report groups in the order of the study (first appearance). */
export function groupLabels(plan: readonly PlannedRun[]): string[] {
  return [...new Set(plan.map((p) => p.group))];
}
