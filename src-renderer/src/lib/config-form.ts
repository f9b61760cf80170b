/**
 * The experiment form's model: text/checkbox values per config field (from `config:describe`),
 * parsed and checked against the same RunConfigSchema the service uses, so every problem is
 * shown next to its field before anything is started.
 */
import type { ApiResponses } from '../../../src-main/shared/channels.js';
import { RunConfigSchema } from '../../../src-main/shared/run-config.js';

/** A field of `config:describe`; the service may add `nullable` and the array item type. */
export type FieldSpec = ApiResponses['config:describe']['fields'][number] & { nullable?: boolean; itemType?: 'number' | 'integer' | 'string' };
export type FormValue = string | boolean;
export type FormValues = Record<string, FormValue>;

/** The form value that shows a config value (null and [] become an empty text field). */
export function toFormValue(field: FieldSpec, v: unknown): FormValue {
  if (field.type === 'boolean') return v === true;
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.join(', ');
  return String(v);
}

export function defaultValues(fields: readonly FieldSpec[], preset: Record<string, unknown> = {}): FormValues {
  return Object.fromEntries(fields.map((f) => [f.key, toFormValue(f, f.key in preset ? preset[f.key] : f.default)]));
}

const NUMBER = /^\s*-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*$/i;
const FRACTION = /^\s*(-?\d+(\.\d+)?)\s*\/\s*(\d+(\.\d+)?)\s*$/;

function parseNumber(text: string): number | null {
  const f = FRACTION.exec(text);
  if (f) return Number(f[1]) / Number(f[3]);
  return NUMBER.test(text) ? Number(text) : null;
}

/** Parses one field; returns the value or an error message naming what was typed. */
export function parseField(field: FieldSpec, value: FormValue): { ok: true; value: unknown } | { ok: false; error: string } {
  if (field.type === 'boolean') return { ok: true, value: value === true };
  const text = String(value).trim();
  if (text === '') {
    if (field.default === null || field.nullable === true) return { ok: true, value: null };
    if (field.type === 'array') return { ok: true, value: [] };
    if (field.type === 'string') return { ok: true, value: '' };
    return { ok: false, error: 'required' };
  }
  switch (field.type) {
    case 'number': case 'integer': {
      const n = parseNumber(text);
      if (n === null || !Number.isFinite(n)) return { ok: false, error: `"${text}" is not a number` };
      if (field.type === 'integer' && !Number.isInteger(n)) return { ok: false, error: `"${text}" is not a whole number` };
      return { ok: true, value: n };
    }
    case 'array': {
      const parts = text.split(/[\s,]+/).filter((p) => p !== '');
      if (field.itemType === 'string') return { ok: true, value: parts };
      const nums = parts.map(parseNumber);
      const bad = parts.find((_, i) => nums[i] === null);
      if (bad !== undefined) return { ok: false, error: `"${bad}" is not a number (use a comma-separated list)` };
      const frac = field.itemType === 'integer' ? parts.find((_, i) => !Number.isInteger(nums[i])) : undefined;
      if (frac !== undefined) return { ok: false, error: `"${frac}" is not a whole number` };
      return { ok: true, value: nums };
    }
    case 'enum':
      if (field.options && !field.options.includes(text)) return { ok: false, error: `"${text}" is not one of ${field.options.join(', ')}` };
      return { ok: true, value: text };
    case 'string':
      return { ok: true, value: text };
  }
}

export interface FormResult {
  /** Values that differ from the base (defaults + preset): what is sent as `config`. */
  changes: Record<string, unknown>;
  /** The full parsed config (for validation and the sweep preview). */
  full: Record<string, unknown>;
  errors: Record<string, string>;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Parses every field, then validates the whole config with RunConfigSchema (cross-field and range rules). */
export function validateForm(fields: readonly FieldSpec[], values: FormValues, base: Record<string, unknown> = {}): FormResult {
  const errors: Record<string, string> = {};
  const full: Record<string, unknown> = {};
  const changes: Record<string, unknown> = {};
  for (const f of fields) {
    const r = parseField(f, values[f.key] ?? '');
    if (!r.ok) { errors[f.key] = r.error; continue; }
    full[f.key] = r.value;
    const baseValue = f.key in base ? base[f.key] : f.default;
    if (!same(r.value, baseValue)) changes[f.key] = r.value;
  }
  const checked = RunConfigSchema.safeParse(full);
  if (!checked.success) {
    for (const issue of checked.error.issues) {
      const key = String(issue.path[0] ?? '(config)');
      if (!errors[key]) errors[key] = issue.message;
    }
  }
  return { changes, full, errors };
}

/** Parses a sweep axis typed as "0, 1, 2" for the field; returns values or an error. */
export function parseAxis(field: FieldSpec, text: string): { ok: true; values: Array<string | number | boolean> } | { ok: false; error: string } {
  const parts = text.split(',').map((p) => p.trim()).filter((p) => p !== '');
  if (parts.length === 0) return { ok: false, error: `${field.key}: give at least one value` };
  const values: Array<string | number | boolean> = [];
  for (const p of parts) {
    const r = parseField(field.type === 'array' ? { ...field, type: 'number' } : field, field.type === 'boolean' ? p === 'true' : p);
    if (!r.ok) return { ok: false, error: `${field.key}: ${r.error}` };
    values.push(r.value as string | number | boolean);
  }
  return { ok: true, values };
}

/** Number of runs a sweep queues: the product of the axes' lengths. */
export const sweepSize = (axes: Record<string, readonly unknown[]>): number =>
  Object.values(axes).reduce((n, v) => n * v.length, 1);
