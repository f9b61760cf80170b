/**
 * Turns stored metrics into plotted series: per-epoch rows (x = epoch or cumulative time) and
 * decimated step series (x = step or time), with loss terms grouped the way the paper plots them.
 */
import type { ApiResponses, EpochRow } from '../../../src-main/api/channels.js';
import type { XY } from './decimate.js';

export type XMode = 'epoch' | 'step' | 'time';
export const X_LABELS: Record<XMode, string> = { epoch: 'epoch', step: 'step', time: 'time (s)' };

const COUNTERS = /^(pos|neg)_/;
const RDIV = /^(rdiv|d_plus|d_minus)$/;
const NOT_LOSS = /^(learningRate|samplesPerSecond|acc_.*)$/;

/**
 * Step-term names to ask for before the first epoch row reveals the run's terms (there is no
 * channel listing them); names a run does not record come back empty and are dropped.
 */
export const KNOWN_STEP_TERMS = ['loss', 'ce_nat', 'ce_adv', 'scl', 'vat', 'trades_kl', 'l2', 'pos_benign', 'pos_adv', 'neg_benign', 'neg_adv', 'rdiv', 'd_plus', 'd_minus'];

/** Splits term names into loss terms, positive/negative counts per anchor, and R-DIV quantities. */
export function classifyTerms(keys: Iterable<string>): { loss: string[]; counts: string[]; rdiv: string[] } {
  const loss: string[] = []; const counts: string[] = []; const rdiv: string[] = [];
  for (const k of new Set(keys)) {
    if (COUNTERS.test(k)) counts.push(k);
    else if (RDIV.test(k)) rdiv.push(k);
    else if (!NOT_LOSS.test(k)) loss.push(k);
  }
  // `loss` (the total) first, then the terms in name order.
  loss.sort((a, b) => (a === 'loss' ? -1 : b === 'loss' ? 1 : a.localeCompare(b)));
  return { loss, counts: counts.sort(), rdiv: rdiv.sort() };
}

export const TERM_LABELS: Record<string, string> = {
  loss: 'total loss', ce_nat: 'CE natural', ce_adv: 'CE adversarial', scl: 'L_SCL', vat: 'L_VAT', trades_kl: 'TRADES KL', l2: 'L2 on conv kernels ([29])',
  pos_benign: 'positives (benign)', pos_adv: 'positives (adversarial)', neg_benign: 'negatives (benign)', neg_adv: 'negatives (adversarial)',
  rdiv: 'R-DIV', d_plus: 'd_a+', d_minus: 'd_a−',
};
export const termLabel = (k: string): string => TERM_LABELS[k] ?? k;

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
