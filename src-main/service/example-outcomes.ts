/**
 * Per-image outcomes of stored evaluations and their agreement across two evaluations on the same
 * test images (the examples view's filters, shared/channels.ts EXAMPLE_FILTERS). Plain arrays in,
 * plain arrays out: no store, no engine.
 */
import type { ExampleFilter } from '../shared/channels.js';
import { EXAMPLE_FILTERS } from '../shared/channels.js';
import type { ExampleOutcome } from '../shared/rows.js';

/**
 * robust[i] = 1: correct on the clean image and on its adversarial example. cleanCorrect null (rows
 * stored before it was): a non-robust image is counted broken, as clean misclassification is unknown.
 */
export function outcomesOf(robust: Uint8Array, cleanCorrect: Uint8Array | null, n: number): ExampleOutcome[] {
  if (robust.length < n || (cleanCorrect && cleanCorrect.length < n)) throw new Error(`outcomesOf: ${robust.length} outcomes for n = ${n}`);
  return Array.from({ length: n }, (_, i): ExampleOutcome => (robust[i] === 1 ? 'robust' : cleanCorrect && cleanCorrect[i] === 0 ? 'clean-wrong' : 'broken'));
}

const AGREEMENT: ReadonlySet<ExampleFilter> = new Set(['robust-a-only', 'robust-b-only', 'robust-both', 'robust-neither']);

/** Whether an image with outcome a (and b in the compared evaluation, or null) is listed under `filter`. */
export function matchesFilter(filter: ExampleFilter, a: ExampleOutcome, b: ExampleOutcome | null): boolean {
  switch (filter) {
    case 'all': return true;
    case 'clean-wrong': case 'broken': case 'robust': return a === filter;
    case 'robust-a-only': return b !== null && a === 'robust' && b !== 'robust';
    case 'robust-b-only': return b !== null && a !== 'robust' && b === 'robust';
    case 'robust-both': return b !== null && a === 'robust' && b === 'robust';
    case 'robust-neither': return b !== null && a !== 'robust' && b !== 'robust';
  }
}

/** Images per filter; the agreement filters only when a compared evaluation is given (b, same length as a). */
export function filterCounts(a: readonly ExampleOutcome[], b: readonly ExampleOutcome[] | null): Partial<Record<ExampleFilter, number>> {
  if (b && b.length !== a.length) throw new Error(`filterCounts: ${a.length} outcomes in A, ${b.length} in B`);
  const counts: Partial<Record<ExampleFilter, number>> = {};
  for (const f of EXAMPLE_FILTERS) {
    if (AGREEMENT.has(f) && !b) continue;
    let k = 0;
    for (let i = 0; i < a.length; i++) if (matchesFilter(f, a[i], b ? b[i] : null)) k++;
    counts[f] = k;
  }
  return counts;
}

/** Indices (ascending) listed under `filter`, from `offset`, at most `limit`; total: all that match. */
export function filteredIndices(filter: ExampleFilter, a: readonly ExampleOutcome[], b: readonly ExampleOutcome[] | null,
  offset: number, limit: number): { total: number; indices: number[] } {
  const all: number[] = [];
  for (let i = 0; i < a.length; i++) if (matchesFilter(filter, a[i], b ? b[i] : null)) all.push(i);
  return { total: all.length, indices: all.slice(offset, offset + limit) };
}
