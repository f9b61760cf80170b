/** Text lines of an evaluation's per-iteration record and sanity flags, as `ascl eval` and `ascl show` print them. */
import type { IterationPoint, SanityFlag } from '../shared/rows.js';
import { printable } from './common.js';

/** "robust per attack iteration: 1 52.00%, 2 48.00%, ..." with restarts as "r2:1" (pass 2, iteration 1). */
export function iterationLine(points: readonly IterationPoint[]): string {
  const multi = points.some((p) => p.run > 0);
  return `robust per attack iteration: ${points.map((p) => `${multi ? `r${p.run + 1}:` : ''}${p.iteration} ${(p.robustAccuracy * 100).toFixed(2)}%`).join(', ')}`;
}

/** One line per flag: "warning [kind]: reason (reference)". */
export function flagLines(flags: readonly SanityFlag[]): string[] {
  return flags.map((f) => `warning [${f.kind}]: ${printable(f.reason)} (${f.reference})`);
}
