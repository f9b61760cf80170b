/**
 * Turns stored metrics into plotted series: per-epoch rows (x = epoch or cumulative time) and
 * decimated step series (x = step or time), with loss terms grouped the way the paper plots them.
 */
import type { ApiResponses } from '../../../src-main/shared/channels.js';
import type { EpochRow } from '../../../src-main/shared/rows.js';
import type { XY } from './decimate.js';
import { TERMS, termGroup, termLabel, type TermGroup } from '../../../src-main/shared/terms.js';

export type XMode = 'epoch' | 'step' | 'time';
export const X_LABELS: Record<XMode, string> = { epoch: 'epoch', step: 'step', time: 'time (s)' };

/** The groups drawn as term charts (accuracies and optimiser figures have their own). */
export const PLOTTED_GROUPS: readonly TermGroup[] = ['loss', 'count', 'rdiv'];

/** Splits term names into loss terms, positive/negative counts per anchor, and R-DIV quantities (shared/terms.ts). */
export function classifyTerms(keys: Iterable<string>): { loss: string[]; counts: string[]; rdiv: string[] } {
  const loss: string[] = []; const counts: string[] = []; const rdiv: string[] = [];
  for (const k of new Set(keys)) {
    const g = termGroup(k);
    if (g === 'count') counts.push(k);
    else if (g === 'rdiv') rdiv.push(k);
    else if (g === 'loss') loss.push(k);
  }
  // `loss` (the total) first, then the terms in name order.
  loss.sort((a, b) => (a === TERMS.loss ? -1 : b === TERMS.loss ? 1 : a.localeCompare(b)));
  return { loss, counts: counts.sort(), rdiv: rdiv.sort() };
}

export { termLabel };

/** x of each epoch row: its number, or the cumulative training seconds at its end. */
export function epochXs(rows: readonly EpochRow[], mode: XMode): number[] {
  let t = 0;
  return rows.map((r) => { t += r.seconds; return mode === 'time' ? t : r.epoch; });
}

/** One per-epoch quantity ('natAccuracy', 'pgdAccuracy', 'trainAccuracy', 'learningRate' or a term name). */
export function epochSeries(rows: readonly EpochRow[], key: string, mode: XMode): XY[] {
  const xs = epochXs(rows, mode);
  const out: XY[] = [];
  rows.forEach((r, i) => {
    const v = key in r && typeof (r as unknown as Record<string, unknown>)[key] === 'number' ? (r as unknown as Record<string, number>)[key] : r.terms[key];
    if (typeof v === 'number' && Number.isFinite(v)) out.push({ x: xs[i], y: v });
  });
  return out;
}

/** A decimated step series (mean per bucket) against step or seconds since the first step. */
export function stepSeries(s: ApiResponses['metrics:steps'], mode: XMode): XY[] {
  if (s.points.length === 0) return [];
  const t0 = s.points[0].time;
  // The store keeps wall-clock milliseconds; a smaller number is already seconds.
  const scale = t0 > 1e11 ? 1000 : 1;
  return s.points.filter((p) => Number.isFinite(p.mean)).map((p) => ({ x: mode === 'time' ? (p.time - t0) / scale : p.step, y: p.mean }));
}
