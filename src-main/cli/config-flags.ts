/**
 * One command-line flag per RunConfig field (camelCase key -> --kebab-case), generated from the
 * schema's description (service/describe.ts), so every field of the configuration can be set.
 * Values are converted to the field's kind here and validated by the RunConfig schema afterwards.
 */
import type { Command } from 'commander';
import { describeRunConfig, type FieldDescription } from '../service/describe.js';
import { DECIMAL, UsageError } from './common.js';

export const kebab = (key: string): string => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function convert(field: FieldDescription, raw: string): unknown {
  const flag = `--${kebab(field.key)}`;
  if (field.nullable && /^(null|none)$/i.test(raw)) return null;
  switch (field.type) {
    case 'boolean':
      if (/^(true|yes|1|on)$/i.test(raw)) return true;
      if (/^(false|no|0|off)$/i.test(raw)) return false;
      throw new UsageError(`${flag} must be true or false (got ${JSON.stringify(raw)})`);
    case 'number':
    case 'integer': {
      // Fractions ("8/255") stay strings for the schema to read; anything else must be a decimal number
      // (Number() would also read "0x10" as 16 and " 2 " as 2).
      if (/^-?\d+(\.\d+)?(e-?\d+)?\/\d+(\.\d+)?$/i.test(raw)) return raw;
      const n = DECIMAL.test(raw) ? Number(raw) : NaN;
      if (!Number.isFinite(n)) throw new UsageError(`${flag} must be a decimal number${field.type === 'integer' ? ' (an integer)' : ' or a fraction like 8/255'} (got ${JSON.stringify(raw)})`);
      return n;
    }
    case 'array': {
      // Items are separated by commas (spaces around a comma are allowed); each item is decimal.
      const parts = raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
      if (field.itemType === 'string') return parts;
      return parts.map((p) => {
        const n = DECIMAL.test(p) ? Number(p) : NaN;
        if (!Number.isFinite(n)) throw new UsageError(`${flag} must be a comma-separated list of decimal numbers (got ${JSON.stringify(raw)})`);
        return n;
      });
    }
    default:
      return raw;
  }
}

function describeFlag(field: FieldDescription): string {
  const opts = field.options ? ` (${field.options.join('|')})` : field.type === 'array' ? ' (comma-separated)' : '';
  return `${field.description ?? field.key}${opts}; default ${JSON.stringify(field.default)}`;
}

/** Adds --kebab-case <value> for every RunConfig field to `cmd`. */
export function addConfigFlags(cmd: Command): Command {
  for (const f of describeRunConfig()) cmd.option(`--${kebab(f.key)} <value>`, describeFlag(f));
  return cmd;
}

/** The RunConfig fields given as flags (commander stores them under camelCase keys). */
export function configFromFlags(opts: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of describeRunConfig()) {
    const v = opts[f.key];
    if (typeof v === 'string') out[f.key] = convert(f, v);
  }
  return out;
}
