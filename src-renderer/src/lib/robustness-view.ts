/**
 * What the robustness-curves page shows: per run (or per group of seeds: mean and band) and per
 * curve (attack, k, n) the robust accuracy at each eps and the AUC; the chart series (a band as a
 * lower and an upper line filled between); the eps-slice table as CSV and LaTeX. The numbers come
 * from src-main/shared/robustness-curves.ts.
 */
import { curveAuc, groupCurve, runCurves, type BandKind, type RunCurve } from '../../../src-main/shared/robustness-curves.js';
import type { EvalRow } from '../../../src-main/shared/rows.js';
import type { Series } from './chart-setup.js';
import { BAND_SUFFIX } from './chart-datasets.js';
import { toCsv, type Cell } from './csv.js';
import { latexEscape } from './results-table.js';

export interface CurveRun { id: string; label: string; group: string | null; evals: EvalRow[] }

export interface EntryPoint { eps: number; mean: number; halfWidth: number | null; n: number }

export interface CurveEntry {
  label: string;
  attack: string;
  /** The attack with its k: "PGD-3", "FGSM". */
  attackLabel: string;
  key: string;
  n: number;
  /** Runs averaged (1: a single run). */
  runs: number;
  points: EntryPoint[];
  auc: { mean: number; halfWidth: number | null; n: number; epsMin: number; epsMax: number } | null;
  /** Eps evaluated by only some of a group's runs (left out of its mean). */
  partialEps: number[];
}

const NAMES: Readonly<Record<string, string>> = { fgsm: 'FGSM', pgd: 'PGD', mpgd: 'mPGD', aa: 'AutoAttack', 'apgd-ce': 'APGD-CE', 'apgd-t': 'APGD-T', 'fab-t': 'FAB-T', square: 'Square' };
export const attackName = (attack: string, steps: number | null): string =>
  `${NAMES[attack] ?? attack}${(attack === 'pgd' || attack === 'mpgd') && steps !== null ? `-${steps}` : ''}`;

/** eps as k/255 where it is a whole number of 255ths. */
export function epsLabel(eps: number): string {
  const k = eps * 255;
  return Math.abs(k - Math.round(k)) < 1e-6 ? (Math.round(k) === 0 ? '0' : `${Math.round(k)}/255`) : String(Number(eps.toPrecision(3)));
}

function single(run: CurveRun, c: RunCurve): CurveEntry {
  const a = curveAuc(c.points);
  return { label: run.label, attack: c.attack, attackLabel: attackName(c.attack, c.steps), key: c.key, n: c.n, runs: 1,
    points: c.points.map((p) => ({ eps: p.eps, mean: p.robustAccuracy, halfWidth: null, n: 1 })),
    auc: a && { mean: a.auc, halfWidth: null, n: 1, epsMin: a.epsMin, epsMax: a.epsMax }, partialEps: [] };
}

/**
 * One entry per run and curve; with `average`, the runs of a group (two or more selected runs with
 * the same group name: seeds) become one entry per curve key, the mean with a std or 95% CI band.
 */
export function curveEntries(runs: readonly CurveRun[], o: { average: boolean; band: BandKind }): CurveEntry[] {
  const out: CurveEntry[] = [];
  const groups = new Map<string, CurveRun[]>();
  for (const r of runs) {
    const k = o.average && r.group !== null && runs.filter((x) => x.group === r.group).length > 1 ? `g:${r.group}` : `r:${r.id}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  for (const [k, members] of groups) {
    if (k.startsWith('r:')) { for (const c of runCurves(members[0].id, members[0].evals)) out.push(single(members[0], c)); continue; }
    const byKey = new Map<string, RunCurve[]>();
    for (const m of members) for (const c of runCurves(m.id, m.evals)) byKey.set(c.key, [...(byKey.get(c.key) ?? []), c]);
    for (const [key, curves] of byKey) {
      const g = groupCurve(curves, o.band);
      out.push({ label: `${members[0].group} (mean of ${curves.length})`, attack: g.attack, attackLabel: attackName(g.attack, g.steps), key, n: g.n, runs: curves.length,
        points: g.points.map((p) => ({ eps: p.eps, mean: p.mean, halfWidth: p.halfWidth, n: p.n })),
        auc: g.auc && { mean: g.auc.mean, halfWidth: g.auc.halfWidth, n: g.auc.n, epsMin: g.auc.epsMin, epsMax: g.auc.epsMax }, partialEps: g.partialEps });
    }
  }
  return out;
}

/** The attacks with a curve, in first-seen order. */
export const entryAttacks = (entries: readonly CurveEntry[]): string[] => [...new Set(entries.map((e) => e.attack))];

export const entryName = (e: CurveEntry): string => `${e.label} · ${e.attackLabel} · n = ${e.n}`;

/** Chart series of one attack's entries: x = eps x 255; a band (lower, then upper filled to it) before each group's mean line. */
export function curveSeries(entries: readonly CurveEntry[], attack: string, colorOf: (i: number) => string): Series[] {
  const out: Series[] = [];
  entries.filter((e) => e.attack === attack).forEach((e, i) => {
    const color = colorOf(i);
    const name = entryName(e);
    const banded = e.points.filter((p) => p.halfWidth !== null);
    if (banded.length > 0) {
      out.push({ label: `${name} lower${BAND_SUFFIX}`, color, band: 'lower', points: banded.map((p) => ({ x: p.eps * 255, y: p.mean - p.halfWidth! })) });
      out.push({ label: `${name} upper${BAND_SUFFIX}`, color, band: 'upper', points: banded.map((p) => ({ x: p.eps * 255, y: p.mean + p.halfWidth! })) });
    }
    out.push({ label: name, color, points: e.points.map((p) => ({ x: p.eps * 255, y: p.mean })) });
  });
  return out;
}

/** Every eps of any entry, increasing: the columns of the slice table. */
export const sliceEps = (entries: readonly CurveEntry[]): number[] => [...new Set(entries.flatMap((e) => e.points.map((p) => p.eps)))].sort((a, b) => a - b);

const pct = (v: number, d: number): string => (v * 100).toFixed(d);

/** "45.31" or, with a band, "45.31 ± 1.20". */
export function formatEntryValue(v: { mean: number; halfWidth: number | null } | null | undefined, digits = 2, pm = ' ± '): string {
  if (!v) return '–';
  return v.halfWidth === null ? pct(v.mean, digits) : `${pct(v.mean, digits)}${pm}${pct(v.halfWidth, digits)}`;
}

/** CSV of the slice table: per entry and eps the robust accuracy (%), its band half-width and n; then the AUC. */
export function sliceCsv(entries: readonly CurveEntry[], band: BandKind): string {
  const eps = sliceEps(entries);
  const header = ['curve', 'attack', 'n images', 'runs', ...eps.flatMap((e) => [`eps=${epsLabel(e)} %`, `eps=${epsLabel(e)} ${band} %`]),
    'AUC %', `AUC ${band} %`, 'AUC eps min', 'AUC eps max'];
  const rows: Cell[][] = entries.map((e) => [e.label, e.attackLabel, e.n, e.runs, ...eps.flatMap((x) => {
    const p = e.points.find((q) => q.eps === x);
    return p ? [p.mean * 100, p.halfWidth === null ? null : p.halfWidth * 100] : [null, null];
  }), e.auc ? e.auc.mean * 100 : null, e.auc?.halfWidth == null ? null : e.auc.halfWidth * 100, e.auc?.epsMin ?? null, e.auc?.epsMax ?? null]);
  return toCsv(header, rows);
}

const BAND_WORDS: Readonly<Record<BandKind, string>> = { std: 'sample std', ci95: '95\\% CI (Student t)' };

/** A booktabs table of the slice: one row per curve, one column per eps, the AUC last. */
export function sliceLatex(entries: readonly CurveEntry[], band: BandKind, digits = 1): string {
  const eps = sliceEps(entries);
  const cell = (v: { mean: number; halfWidth: number | null } | null | undefined): string => (v ? formatEntryValue(v, digits, ' $\\pm$ ') : '--');
  return [
    '\\begin{table}[t]', '\\centering',
    `\\caption{Robust accuracy (\\%) against $\\epsilon$. Groups of seeds: mean $\\pm$ ${BAND_WORDS[band]}. AUC: trapezoid rule over the evaluated $\\epsilon$, divided by the $\\epsilon$ range.}`,
    `\\begin{tabular}{ll${'c'.repeat(eps.length)}c}`, '\\toprule',
    `Model & Attack & ${eps.map((e) => `$\\epsilon = ${epsLabel(e)}$`).join(' & ')} & AUC \\\\`, '\\midrule',
    ...entries.map((e) => `${latexEscape(e.label)} & ${latexEscape(e.attackLabel)} & ${eps.map((x) => cell(e.points.find((p) => p.eps === x))).join(' & ')} & ${cell(e.auc)} \\\\`),
    '\\bottomrule', '\\end{tabular}', '\\end{table}', '',
  ].join('\n');
}

