/** Channels beyond the queue: compare table, CSV export, config:describe, metrics:steps, delete, info. */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import type { AppService } from '../../src-main/service/app-service.js';
import { fakeService, tempDir, SMALL } from './helpers.js';

let service: AppService;
let a: string, b: string, c: string;
beforeAll(async () => {
  service = await fakeService(path.join(tempDir(), 'a.db'), { workers: 2 });
  a = (await service['runs:start']({ config: { ...SMALL, seed: 1 } })).id;
  b = (await service['runs:start']({ config: { ...SMALL, seed: 2 } })).id;
  c = (await service['runs:start']({ config: { ...SMALL, seed: 1, selection: 'hard' }, group: 'hard runs' })).id;
  await Promise.all([a, b, c].map((id) => service.waitForRun(id)));
});
afterAll(async () => { await service.close(); });

const mean = (v: number[]) => v.reduce((x, y) => x + y, 0) / v.length;
const sampleStd = (v: number[]) => Math.sqrt(v.reduce((x, y) => x + (y - mean(v)) ** 2, 0) / (v.length - 1));

describe('compare:table', () => {
  it('groups runs with identical configs except the seed (a, b) and by group label (c); mean and sample std of the last epoch', async () => {
    const t = await service['compare:table']({ runIds: [a, b, c], summary: { kind: 'last' } });
    expect(t.columns.slice(0, 3)).toEqual(['natAccuracy', 'pgdAccuracy', 'trainAccuracy']);
    expect(t.rows.map((r) => [r.runIds, r.n])).toEqual([[[a, b], 2], [[c], 1]]);
    expect(t.rows[1].group).toBe('hard runs');
    const nat = [a, b].map((id) => service.store.epochs(id).at(-1)!.natAccuracy);
    expect(t.rows[0].metrics.natAccuracy!.mean).toBeCloseTo(mean(nat), 12);
    expect(t.rows[0].metrics.natAccuracy!.std).toBeCloseTo(sampleStd(nat), 12);
    expect(t.rows[1].metrics.natAccuracy!.std).toBe(0);
    expect(t.configDiff).toEqual({ seed: { [a]: 1, [b]: 2, [c]: 1 }, selection: { [a]: 'global', [b]: 'global', [c]: 'hard' } });
  });

  it('summary best picks each run\'s highest-PGD epoch; epoch k picks epoch k, and a missing epoch gives null', async () => {
    const best = await service['compare:table']({ runIds: [a], summary: { kind: 'best' } });
    expect(best.rows[0].metrics.pgdAccuracy!.mean).toBe(Math.max(...service.store.epochs(a).map((e) => e.pgdAccuracy)));
    const e2 = await service['compare:table']({ runIds: [a], summary: { kind: 'epoch', epoch: 2 } });
    expect(e2.rows[0].metrics.natAccuracy!.mean).toBe(service.store.epochs(a)[1].natAccuracy);
    const e9 = await service['compare:table']({ runIds: [a], summary: { kind: 'epoch', epoch: 9 } });
    expect(e9.rows[0].metrics.natAccuracy).toBeNull();
  });
});

describe('export:csv', () => {
  it('epochs: one row per epoch with its metrics, parseable back to the stored numbers', async () => {
    const r = await service['export:csv']({ what: 'epochs', runIds: [a, b] });
    expect(r.filename).toBe(`ascl-epochs-${a}-and-1-more.csv`);
    const rows = parse(r.csv, { columns: true }) as Array<Record<string, string>>;
    expect(rows.length).toBe(6);
    const stored = service.store.epochs(a);
    expect(rows.filter((x) => x.runId === a).map((x) => Number(x.natAccuracy))).toEqual(stored.map((e) => e.natAccuracy));
    expect(rows.filter((x) => x.runId === a).map((x) => Number(x.loss))).toEqual(stored.map((e) => e.terms.loss));
  });

  it('steps: every step (12 per run) with every term; compare: one row per group with mean and std columns', async () => {
    const steps = parse((await service['export:csv']({ what: 'steps', runIds: [a] })).csv, { columns: true }) as Array<Record<string, string>>;
    expect(steps.map((s) => Number(s.step))).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(Object.keys(steps[0])).toEqual(expect.arrayContaining(['ce_adv', 'ce_nat', 'loss', 'learningRate', 'samplesPerSecond']));
    const cmp = parse((await service['export:csv']({ what: 'compare', runIds: [a, b, c] })).csv, { columns: true }) as Array<Record<string, string>>;
    expect(cmp.map((x) => x.n)).toEqual(['2', '1']);
    expect(Object.keys(cmp[0])).toEqual(expect.arrayContaining(['natAccuracy mean', 'natAccuracy std']));
  });
});

describe('presets', () => {
  it('runs:start with preset table3/leaked-ascl: the preset\'s fields, then the request\'s overrides, then defaults', async () => {
    const list = await service['presets:list']({});
    const preset = list.find((p) => p.name === 'table3/leaked-ascl')!;
    expect(preset.config).toMatchObject({ defense: 'ascl', selection: 'leaked' });
    const { id } = await service['runs:start']({ preset: 'table3/leaked-ascl', config: { ...SMALL, epochs: 1 } });
    const run = await service['runs:get']({ id });
    expect(run.config).toMatchObject({ defense: 'ascl', selection: 'leaked', lambdaScl: 1, lambdaVat: 2, dataset: 'synthetic', model: 'small-cnn', epochs: 1, tau: 0.07 });
    expect(await service.waitForRun(id)).toBe('completed');
    await service['runs:delete']({ id });
  });
});

describe('other channels', () => {
  it('config:describe lists every RunConfig field with its kind and default', async () => {
    const { fields } = await service['config:describe']({});
    const by = Object.fromEntries(fields.map((f) => [f.key, f]));
    expect(by.epochs).toMatchObject({ type: 'integer', default: 200 });
    expect(by.dataset).toMatchObject({ type: 'enum', default: 'cifar10', options: ['synthetic', 'mnist', 'cifar10', 'cifar100'] });
    expect(by.eps).toMatchObject({ type: 'number', default: null, nullable: true });
    expect(by.epochs.nullable).toBe(false);
    expect(by.lrMilestones).toMatchObject({ type: 'array', default: [80, 120, 160] });
    expect(by.augmentFlip).toMatchObject({ type: 'boolean', default: true });
    expect(fields.length).toBe(Object.keys((await import('../../src-main/shared/run-config.js')).RunConfigSchema.shape).length);
    // Every field has its line of help (a new RunConfig field must get one in service/config-help.ts).
    expect(fields.filter((f) => !f.description).map((f) => f.key)).toEqual([]);
  });

  it('metrics:steps returns the raw 12 steps under maxPoints, and 10 buckets of min/max/mean when asked for 10', async () => {
    const raw = await service['metrics:steps']({ runId: a, term: 'loss', maxPoints: 100 });
    expect(raw.points.length).toBe(12);
    const dec = await service['metrics:steps']({ runId: a, term: 'loss', maxPoints: 10 });
    expect(dec.points.length).toBeLessThanOrEqual(10);
    expect(Math.max(...dec.points.map((p) => p.max))).toBe(Math.max(...raw.points.map((p) => p.max)));
    expect(Math.min(...dec.points.map((p) => p.min))).toBe(Math.min(...raw.points.map((p) => p.min)));
  });

  it('metrics:terms lists the run\'s stored step terms (the fake engine: ce_adv, ce_nat, plus loss and the optimiser figures), each with a non-empty series', async () => {
    const terms = await service['metrics:terms']({ runId: a });
    expect(terms).toEqual(['ce_adv', 'ce_nat', 'learningRate', 'loss', 'samplesPerSecond']);
    expect(terms).toEqual(Object.keys(service.store.stepRows(a)[0].values).sort());
    for (const term of terms) expect((await service['metrics:steps']({ runId: a, term, maxPoints: 100 })).points.length).toBe(12);
    await expect(service['metrics:terms']({ runId: 'no-such-run' })).rejects.toThrow(/no run "no-such-run"/);
  });

  it('runs:get has the full config; app:info names the store; runs:delete removes the run and its checkpoint files', async () => {
    const r = await service['runs:get']({ id: c });
    expect(r.config).toMatchObject({ selection: 'hard', epochs: 3, batchSize: 4 });
    expect(await service['app:info']({})).toMatchObject({ workers: 2, dbPath: service.store.dbPath, backend: 'cpu' });
    const dirC = service.store.checkpointDir(c);
    expect(fs.readdirSync(dirC).length).toBe(2); // the newest 2 are kept
    await service['runs:delete']({ id: c });
    expect(fs.existsSync(dirC)).toBe(false);
    await expect(service['runs:get']({ id: c })).rejects.toThrow(/no run/);
  });
});
