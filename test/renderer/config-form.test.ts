import { describe, expect, it } from 'vitest';
import { defaultValues, parseAxis, parseField, sweepSize, validateForm, type FieldSpec } from '../../src-renderer/src/lib/config-form.js';
import { describeRunConfig } from '../../src-main/service/describe.js';

// The real field list the service sends for `config:describe`.
const fields: FieldSpec[] = describeRunConfig();
const field = (key: string): FieldSpec => { const f = fields.find((x) => x.key === key); if (!f) throw new Error(`no field ${key}`); return f; };

describe('experiment form validation', () => {
  it('the defaults validate with no errors and no changes', () => {
    const r = validateForm(fields, defaultValues(fields));
    expect(r.errors).toEqual({});
    expect(r.changes).toEqual({});
  });

  it('epochs "abc" -> "is not a number"; batchSize "1.5" -> "is not a whole number"', () => {
    const v = { ...defaultValues(fields), epochs: 'abc', batchSize: '1.5' };
    const r = validateForm(fields, v);
    expect(r.errors.epochs).toMatch(/"abc" is not a number/);
    expect(r.errors.batchSize).toMatch(/"1.5" is not a whole number/);
  });

  it('out-of-range values get the schema message: tau 0, augmentShift 0.9, batchSize 1', () => {
    const r = validateForm(fields, { ...defaultValues(fields), tau: '0', augmentShift: '0.9', batchSize: '1' });
    expect(Object.keys(r.errors).sort()).toEqual(['augmentShift', 'batchSize', 'tau']);
  });

  it('eps "8/255" parses to 8/255 and counts as a change; empty eps means the dataset default (null)', () => {
    const r = validateForm(fields, { ...defaultValues(fields), eps: '8/255' });
    expect(r.errors).toEqual({});
    expect(r.changes.eps).toBeCloseTo(8 / 255, 12);
    expect(validateForm(fields, { ...defaultValues(fields), eps: '' }).full.eps).toBeNull();
  });

  it('lrMilestones "80, 120" -> [80, 120]; "80, x" -> error naming "x"', () => {
    expect(parseField(field('lrMilestones'), '80, 120')).toEqual({ ok: true, value: [80, 120] });
    const bad = parseField(field('lrMilestones'), '80, x');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toMatch(/"x"/);
  });

  it('changes are taken against the preset: a preset with selection=leaked and the form at leaked -> no change', () => {
    const base = { selection: 'leaked', defense: 'ascl' };
    const r = validateForm(fields, defaultValues(fields, base), base);
    expect(r.changes).toEqual({});
    expect(r.full.selection).toBe('leaked');
  });

  it('sweep: selection x 4 and seeds "0, 1, 2" -> 12 runs; seed axis "0, a" -> error', () => {
    const seeds = parseAxis(field('seed'), '0, 1, 2');
    expect(seeds).toEqual({ ok: true, values: [0, 1, 2] });
    expect(sweepSize({ selection: ['global', 'hard', 'soft', 'leaked'], seed: [0, 1, 2] })).toBe(12);
    expect(parseAxis(field('seed'), '0, a').ok).toBe(false);
  });
});
