/**
 * A study: a grid of runs (presets x seeds x overrides), the evaluation protocol every run gets,
 * and what the report shows (groups, summary value, paired differences). Read from a JSON file
 * (`ascl study run FILE`), validated here (unknown keys rejected, every default documented) and
 * stored with its version, as run configurations are (`studyVersion`; a newer one is refused).
 */
import { z } from 'zod';
import { ATTACKS } from './options.js';
import { fractionNumber, type RunConfigInput } from './run-config.js';
import { formatIssues } from './format-issues.js';

/** Version of the study file format this code writes and reads. */
export const STUDY_VERSION = 1;

/** A study name: used on the command line and as a folder name, so letters, digits, '.', '_' and '-' only. */
export const studyName = z.string().min(1).max(100).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'a study name has letters, digits, ., _ and - only');

const runConfigOverrides = z.custom<RunConfigInput>((v) => v !== null && typeof v === 'object' && !Array.isArray(v),
  'expected an object of run configuration fields (validated against the run configuration once merged with each preset)');

/** Seeds: a list, or an inclusive range { from, to }. */
const seeds = z.union([
  z.array(z.number().int().min(0).max(2 ** 31 - 1)).min(1).max(100),
  z.object({ from: z.number().int().min(0), to: z.number().int().min(0) }).strict()
    .refine((r) => r.to >= r.from && r.to - r.from < 100, 'a seed range needs from <= to and at most 100 seeds'),
]);

/** One attack of the protocol; steps and n default to the protocol's (and then to the paper's, shared/evaluation.ts). */
const attackSpec = z.object({
  attack: z.enum(ATTACKS),
  /** Iterations; null = the attack's default (PGD and mPGD: k = 250, Section 4.1). */
  steps: z.number().int().min(1).max(10_000).nullable().default(null),
  /** Images (the first n of the test split); null = the protocol's n. */
  n: z.number().int().min(1).max(100_000).nullable().default(null),
}).strict();

export const StudySchema = z.object({
  /** Format version; absent means the current one. */
  studyVersion: z.number().int().min(1).default(STUDY_VERSION),
  name: studyName,
  description: z.string().max(2000).default(''),
  runs: z.object({
    /** Preset names (`ascl presets`); `*` matches any characters, e.g. `table3/*`. Each must match at least one preset. */
    presets: z.array(z.string().min(1).max(100)).min(1).max(100),
    seeds,
    /** Run configuration fields put on top of every preset (e.g. limit, epochs, model). */
    overrides: runConfigOverrides.default({}),
  }).strict(),
  evaluation: z.object({
    attacks: z.array(attackSpec).min(1).max(10),
    /** L-infinity budget; null = the dataset's (8/255 on CIFAR-10). */
    eps: fractionNumber.pipe(z.number().min(0).max(1)).nullable().default(null),
    /** Images per attack; null = the attack's default (PGD, mPGD: the full test set; AutoAttack: 1000). */
    n: z.number().int().min(1).max(100_000).nullable().default(null),
    /** Seed of the attacks' random starts (the same for every run, so runs differ only by their training). */
    seed: z.number().int().min(0).default(0),
    /** Which test images: the first n in file order (the paper's "1000 test samples"); the only subset the store records. */
    subset: z.literal('first-n').default('first-n'),
    /** Robust accuracy and R-DIV over eps (Figure 4) for every run: PGD with `steps` on `n` images at each eps; null = not computed. */
    rdivEps: z.object({
      eps: z.array(fractionNumber.pipe(z.number().min(0).max(1))).min(1).max(20),
      steps: z.number().int().min(1).max(10_000).nullable().default(null),
      n: z.number().int().min(2).max(100_000).default(512),
    }).strict().nullable().default(null),
  }).strict(),
  report: z.object({
    /** Rows of the table: a label and the presets whose runs it averages; default: one row per preset, labelled by its table row. */
    groups: z.array(z.object({ label: z.string().min(1).max(100), presets: z.array(z.string().min(1).max(100)).min(1) }).strict()).default([]),
    /**
     * The epoch each run is summarised at (its checkpoint is the one evaluated): the last, the best by a
     * validation criterion (the per-epoch monitoring accuracy: natural or PGD), or epoch k.
     */
    summary: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('last') }).strict(),
      z.object({ kind: z.literal('best'), criterion: z.enum(['pgdAccuracy', 'natAccuracy']).default('pgdAccuracy') }).strict(),
      z.object({ kind: z.literal('epoch'), epoch: z.number().int().min(1) }).strict(),
    ]).default({ kind: 'last' }),
    /** Paired differences across seeds, `of` minus `minus` (group labels), e.g. Leaked-ASCL minus ASCL. */
    differences: z.array(z.object({ of: z.string().min(1), minus: z.string().min(1) }).strict()).default([]),
  }).strict().default({ groups: [], summary: { kind: 'last' }, differences: [] }),
}).strict();

export type StudyInput = z.input<typeof StudySchema>;
export type Study = z.output<typeof StudySchema>;
export type StudySummary = Study['report']['summary'];

export class StudyError extends Error {
  override name = 'StudyError';
}

/** Validates a study definition; throws StudyError naming every bad key and value (and a version newer than this code). */
export function parseStudy(input: unknown, where = 'parseStudy'): Study {
  const v = (input as { studyVersion?: unknown } | null)?.studyVersion;
  if (typeof v === 'number' && v > STUDY_VERSION) {
    throw new StudyError(`${where}: the study has studyVersion ${v}, newer than this version of ASCL Studio reads (${STUDY_VERSION}); update ASCL Studio`);
  }
  const r = StudySchema.safeParse(input);
  if (!r.success) throw new StudyError(`${where}: invalid study: ${formatIssues(r.error, input)}`);
  return r.data;
}

/** The seeds of a study, in order. */
export function studySeeds(s: Study): number[] {
  const x = s.runs.seeds;
  if (Array.isArray(x)) return [...x];
  return Array.from({ length: x.to - x.from + 1 }, (_, i) => x.from + i);
}

/** The names matched by a preset pattern (`*` = any characters). */
export function matchPresets(pattern: string, names: readonly string[]): string[] {
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return names.filter((n) => re.test(n));
}
