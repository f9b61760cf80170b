/**
 * JSON of the coordinator-worker wire (queue/wire.ts) that keeps what plain JSON loses: typed arrays
 * (an EvalOutcome's per-sample outcomes, labels, breaking eps) would become {"0": ...} objects and
 * NaN / Infinity (an epoch's R-DIV terms before they are computed) would become null. Both sides use
 * these two functions for record and task-result bodies; the schemas of wire.ts check the decoded value.
 */

const TYPED = {
  Float32Array, Float64Array, Int32Array, Uint8Array, Int8Array, Uint16Array, Int16Array, Uint32Array,
} as const;
type TypedName = keyof typeof TYPED;
const NUMS: Record<string, number> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY };

function isTypedName(x: unknown): x is TypedName {
  return typeof x === 'string' && Object.prototype.hasOwnProperty.call(TYPED, x);
}

/** JSON text of `value` with typed arrays as {"$typed": name, "data": [...]} and non-finite numbers as {"$num": "NaN"}. */
export function toWireJson(value: unknown): string {
  return JSON.stringify(encode(value));
}

function encode(v: unknown): unknown {
  if (typeof v === 'number') return Number.isFinite(v) ? v : { $num: Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity' };
  if (v === null || typeof v !== 'object') return v;
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    const name = v.constructor.name;
    if (!isTypedName(name)) throw new Error(`toWireJson: unsupported typed array ${name}`);
    return { $typed: name, data: Array.from(v as unknown as ArrayLike<number>, (x) => encode(x)) };
  }
  if (Array.isArray(v)) return v.map(encode);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = encode(x);
  return out;
}

/** The value `toWireJson` encoded; throws naming the problem on text that is not JSON. */
export function fromWireJson(text: string): unknown {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`fromWireJson: not JSON (${(err as Error).message}): ${JSON.stringify(text.slice(0, 80))}`);
  }
  return decode(raw);
}

export function decode(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(decode);
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length === 1 && typeof o.$num === 'string' && o.$num in NUMS) return NUMS[o.$num];
  if (keys.length === 2 && isTypedName(o.$typed) && Array.isArray(o.data)) {
    return TYPED[o.$typed].from(o.data.map((x) => decode(x) as number));
  }
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = decode(o[k]);
  return out;
}
