/**
 * The examples view's outcomes and agreement filters (service/example-outcomes.ts) against a brute
 * force written from the definitions: robust = correct on clean and adversarial; "robust in A only"
 * = robust in A and not in B; the four agreement cells partition the images.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { filterCounts, filteredIndices, matchesFilter, outcomesOf } from '../../src-main/service/example-outcomes.js';
import { EXAMPLE_FILTERS } from '../../src-main/shared/channels.js';

/** Per image: [robust in A, clean-correct in A, robust in B]. */
const triples = fc.array(fc.tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 1 })), { maxLength: 200 })
  // A robust image is clean-correct.
  .map((xs) => xs.map(([r, c, rb, cb]) => ({ ra: r, ca: r === 1 ? 1 : c, rb, cb: rb === 1 ? 1 : cb })));

describe('example outcomes and agreement (fast-check, 200 cases of up to 200 images)', () => {
  it('counts and indices of every filter equal a brute-force loop over the images; the four agreement cells sum to n and their margins to the robust counts', () => {
    fc.assert(fc.property(triples, fc.nat({ max: 50 }), fc.integer({ min: 1, max: 60 }), (xs, offset, limit) => {
      const n = xs.length;
      const a = outcomesOf(Uint8Array.from(xs, (x) => x.ra), Uint8Array.from(xs, (x) => x.ca), n);
      const b = outcomesOf(Uint8Array.from(xs, (x) => x.rb), Uint8Array.from(xs, (x) => x.cb), n);
      const brute: Record<string, number[]> = { all: [], 'clean-wrong': [], broken: [], robust: [], 'robust-a-only': [], 'robust-b-only': [], 'robust-both': [], 'robust-neither': [] };
      xs.forEach((x, i) => {
        brute.all.push(i);
        if (x.ca === 0) brute['clean-wrong'].push(i);
        if (x.ca === 1 && x.ra === 0) brute.broken.push(i);
        if (x.ra === 1) brute.robust.push(i);
        if (x.ra === 1 && x.rb === 0) brute['robust-a-only'].push(i);
        if (x.ra === 0 && x.rb === 1) brute['robust-b-only'].push(i);
        if (x.ra === 1 && x.rb === 1) brute['robust-both'].push(i);
        if (x.ra === 0 && x.rb === 0) brute['robust-neither'].push(i);
      });
      const counts = filterCounts(a, b);
      for (const f of EXAMPLE_FILTERS) {
        expect(counts[f]).toBe(brute[f].length);
        expect(filteredIndices(f, a, b, offset, limit)).toEqual({ total: brute[f].length, indices: brute[f].slice(offset, offset + limit) });
      }
      expect(counts['robust-a-only']! + counts['robust-b-only']! + counts['robust-both']! + counts['robust-neither']!).toBe(n);
      expect(counts['robust-a-only']! + counts['robust-both']!).toBe(counts.robust);
      expect(counts['clean-wrong']! + counts.broken! + counts.robust!).toBe(n);
    }), { seed: 12, numRuns: 200 });
  });

  it('without a compared evaluation the agreement filters are absent from the counts and match nothing; without clean correctness a non-robust image is broken', () => {
    const a = outcomesOf(new Uint8Array([1, 0, 0]), new Uint8Array([1, 0, 1]), 3);
    expect(a).toEqual(['robust', 'clean-wrong', 'broken']);
    expect(filterCounts(a, null)).toEqual({ all: 3, 'clean-wrong': 1, broken: 1, robust: 1 });
    expect(matchesFilter('robust-a-only', 'robust', null)).toBe(false);
    expect(outcomesOf(new Uint8Array([1, 0]), null, 2)).toEqual(['robust', 'broken']);
    expect(() => filterCounts(a, ['robust'])).toThrow(/3 outcomes in A, 1 in B/);
  });
});
