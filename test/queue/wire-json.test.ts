/** The wire's JSON (src-main/queue/wire-json.ts) keeps typed arrays and non-finite numbers that plain JSON loses. */
import { describe, expect, it } from 'vitest';
import { fromWireJson, toWireJson } from '../../src-main/queue/wire-json.js';

describe('wire JSON', () => {
  it('round-trips an EvalOutcome-like value: Int32Array, Uint8Array, Float64Array with NaN, NaN / Infinity / -Infinity fields, nested arrays', () => {
    const v = { outcomes: Uint8Array.from([1, 0, 1]), labels: Int32Array.from([3, -1, 7]), breakingEps: Float64Array.from([0.5, Number.NaN]),
      terms: { rdiv: Number.NaN, up: Number.POSITIVE_INFINITY, down: Number.NEGATIVE_INFINITY, zero: -0 }, list: [[1, Number.NaN]], s: 'x', n: null };
    const back = fromWireJson(toWireJson(v)) as typeof v;
    expect(back.outcomes).toBeInstanceOf(Uint8Array);
    expect(back.labels).toEqual(Int32Array.from([3, -1, 7]));
    expect(back.breakingEps).toBeInstanceOf(Float64Array);
    expect(Array.from(back.breakingEps)).toEqual([0.5, Number.NaN]);
    expect(back.terms).toEqual({ rdiv: Number.NaN, up: Number.POSITIVE_INFINITY, down: Number.NEGATIVE_INFINITY, zero: 0 });
    expect(back.list).toEqual([[1, Number.NaN]]);
    expect([back.s, back.n]).toEqual(['x', null]);
  });

  it('leaves look-alike objects with other keys alone and drops undefined fields', () => {
    const v = { a: { $num: 'NaN', other: 1 }, b: { $typed: 'Evil', data: [1] }, c: undefined };
    expect(fromWireJson(toWireJson(v))).toEqual({ a: { $num: 'NaN', other: 1 }, b: { $typed: 'Evil', data: [1] } });
  });

  it('names text that is not JSON', () => {
    expect(() => fromWireJson('{oops')).toThrow(/^fromWireJson: not JSON \(.*\): "\{oops"$/);
  });
});
