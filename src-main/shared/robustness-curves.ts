/**
 * Robustness curves: robust accuracy against the attack budget eps, per attack, from a run's
 * stored evaluations; seeds of a group as mean with a band; the area under the curve. Pure
 * numbers on the shared rows (the renderer draws them, the CLI can print them).
 *
 * A curve is the evaluations of one run with the same attack, iterations k and number of images
 * n (an eps grid, or single evaluations made alike); at an eps evaluated more than once the newest
 * evaluation counts.
 */
import type { EvalRow } from './rows.js';
import { studentTQuantile } from './student-t.js';

export interface CurvePoint { eps: number; robustAccuracy: number }

export interface RunCurve {
  runId: string;
  /** attack, k and n: evaluations with the same key form one curve. */
  key: string;
  attack: string;
  steps: number | null;
  n: number;
  /** Ordered by eps, one point per eps. */
  points: CurvePoint[];
}

export const curveKey = (e: Pick<EvalRow, 'attack' | 'steps' | 'n'>): string => `${e.attack}|k=${e.steps ?? '-'}|n=${e.n}`;

/** The run's curves, one per (attack, k, n), with their points in increasing eps. */
export function runCurves(runId: string, evals: readonly EvalRow[]): RunCurve[] {
  const byKey = new Map<string, { e: EvalRow; points: Map<number, EvalRow> }>();
  for (const e of evals) {
    const key = curveKey(e);
    const c = byKey.get(key) ?? { e, points: new Map<number, EvalRow>() };
    const prev = c.points.get(e.eps);
    if (!prev || e.id > prev.id) c.points.set(e.eps, e);
    byKey.set(key, c);
  }
  return [...byKey.entries()].map(([key, { e, points }]) => ({
    runId, key, attack: e.attack, steps: e.steps, n: e.n,
    points: [...points.values()].sort((a, b) => a.eps - b.eps).map((p) => ({ eps: p.eps, robustAccuracy: p.robustAccuracy })),
  }));
}

export interface CurveAuc {
  /** (1 / (eps_max - eps_min)) * trapezoid integral of robust accuracy over [eps_min, eps_max]: a mean accuracy in [0, 1]. */
  auc: number;
  epsMin: number;
  epsMax: number;
}

/**
 * Area under the curve by the trapezoid rule over the evaluated eps, normalised by the eps range
 * so that it is the curve's mean accuracy over [eps_min, eps_max]:
 * AUC = sum_j (eps_{j+1} - eps_j) (a_j + a_{j+1}) / 2 / (eps_max - eps_min).
 * null for fewer than two distinct eps (no range). Curves are comparable only over the same range.
 */
export function curveAuc(points: readonly CurvePoint[]): CurveAuc | null {
  const p = [...points].sort((a, b) => a.eps - b.eps);
  if (p.length < 2 || !(p[p.length - 1].eps > p[0].eps)) return null;
  let area = 0;
  for (let j = 0; j + 1 < p.length; j++) area += (p[j + 1].eps - p[j].eps) * (p[j].robustAccuracy + p[j + 1].robustAccuracy) / 2;
  const epsMin = p[0].eps; const epsMax = p[p.length - 1].eps;
  return { auc: area / (epsMax - epsMin), epsMin, epsMax };
}

export const BAND_KINDS = ['std', 'ci95'] as const;
export type BandKind = (typeof BAND_KINDS)[number];

/** Mean, sample std (n - 1) and the band's half-width of k values: std, or t_{0.975, k-1} std / sqrt(k) for the 95% CI; null half-width for k = 1. */
export interface BandStat { mean: number; std: number; n: number; halfWidth: number | null }

export function bandStat(values: readonly number[], kind: BandKind): BandStat {
  const k = values.length;
  if (k === 0 || values.some((v) => !Number.isFinite(v))) throw new Error(`bandStat: needs at least one finite value (got ${JSON.stringify(values)})`);
  const mean = values.reduce((a, b) => a + b, 0) / k;
  if (k === 1) return { mean, std: 0, n: 1, halfWidth: null };
  const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (k - 1));
  return { mean, std, n: k, halfWidth: kind === 'std' ? std : (studentTQuantile(0.975, k - 1) * std) / Math.sqrt(k) };
}

export interface GroupCurvePoint extends BandStat { eps: number }

export interface GroupCurve {
  key: string;
  attack: string;
  steps: number | null;
  n: number;
  /** Member runs (seeds) whose curve with this key was averaged. */
  runIds: string[];
  /** Eps evaluated by every member: mean and band of their robust accuracies. */
  points: GroupCurvePoint[];
  /** Eps evaluated by some members only: left out of the mean (a mean over fewer seeds would not be comparable). */
  partialEps: number[];
  /** Mean and band over the members of each member's AUC on the common eps; null with fewer than two common eps. */
  auc: (BandStat & { epsMin: number; epsMax: number }) | null;
}

/** Averages the members' curves of one key point-wise at the eps every member evaluated. */
export function groupCurve(members: readonly RunCurve[], kind: BandKind): GroupCurve {
  if (members.length === 0) throw new Error('groupCurve: needs at least one member curve');
  const key = members[0].key;
  const other = members.find((m) => m.key !== key);
  if (other) throw new Error(`groupCurve: members must share one curve key (got ${JSON.stringify(key)} and ${JSON.stringify(other.key)})`);
  const maps = members.map((m) => new Map(m.points.map((p) => [p.eps, p.robustAccuracy])));
  const allEps = [...new Set(members.flatMap((m) => m.points.map((p) => p.eps)))].sort((a, b) => a - b);
  const common = allEps.filter((e) => maps.every((m) => m.has(e)));
  const points = common.map((eps) => ({ eps, ...bandStat(maps.map((m) => m.get(eps)!), kind) }));
  const aucs = maps.map((m) => curveAuc(common.map((eps) => ({ eps, robustAccuracy: m.get(eps)! }))));
  const auc = aucs.every((a): a is CurveAuc => a !== null) && aucs.length > 0
    ? { ...bandStat(aucs.map((a) => a.auc), kind), epsMin: aucs[0].epsMin, epsMax: aucs[0].epsMax } : null;
  return { key, attack: members[0].attack, steps: members[0].steps, n: members[0].n, runIds: members.map((m) => m.runId), points,
    partialEps: allEps.filter((e) => !common.includes(e)), auc };
}
