/**
 * Versioned run configurations (shared/config-migrations.ts): a configuration stored before versions
 * existed (fixtures/run-config-v1.json, the `runs.config` column of a store written by that code: the
 * table3/leaked-ascl preset on synthetic data) reads back to the same RunConfig from the store and from a
 * checkpoint file; a renamed key is carried by a migration; a version newer than this code is refused.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CONFIG_MIGRATIONS, CONFIG_VERSION, CONFIG_VERSION_KEY, migrateConfig, pin, readStoredConfig, renameKey, toStoredConfig,
} from '../../src-main/shared/config-migrations.js';
import { ConfigError, parseRunConfig, RunConfigSchema } from '../../src-main/shared/run-config.js';
import { Store, readTrainCheckpoint, writeCheckpointFile, writeTrainCheckpoint } from '../../src-main/store/index.js';
import { peek, storedConfigColumn } from './raw-db.js';

const V1 = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, 'fixtures', 'run-config-v1.json'), 'utf8')) as Record<string, unknown>;
/**
 * The behaviour of the code that stored V1, for the fields added since with other defaults (written here
 * independently of the migration's pins, so dropping a pin fails these tests).
 */
const V1_BEHAVIOUR = {
  batchNorm: false, latent: 'penultimate', sclReduction: 'anchor-mean', adversarialAnchorKey: 'code',
  resnetSetting: 'pytorch', augmentShiftMode: 'whole-pixel-zero',
  // Added with the webgpu backend; null (the backend's own GPU) is what the code before did, so no pin.
  gpu: null,
};
/** What a v1 configuration must read as: its stored values, and the old behaviour for the newer fields. */
const V1_READ = parseRunConfig({ ...V1, ...V1_BEHAVIOUR });

let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ascl-cfgver-')); });
afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

/** A run row as the code before versions wrote it: the config column is the bare RunConfig JSON. */
function insertStoredRun(store: Store, id: string, storedConfig: unknown): void {
  peek(store.dbPath, (raw) => raw.prepare(`INSERT INTO runs (id, name, config, seed, status, created_at, updated_at, epochs_total)
    VALUES (?, 'old', ?, 0, 'interrupted', 't', 't', 3)`).run(id, JSON.stringify(storedConfig)));
}

describe('config versions: v1 (no configVersion) as stored today', () => {
  it('the v1 fixture has no version key and every schema key but the pinned newer ones; it reads to its stored values plus the old behaviour', () => {
    expect(CONFIG_VERSION_KEY in V1).toBe(false);
    expect([...Object.keys(V1), ...Object.keys(V1_BEHAVIOUR)].sort()).toEqual(Object.keys(RunConfigSchema.shape).sort());
    const config = readStoredConfig(V1, 'test');
    expect(config).toEqual(V1_READ);
    expect(config).not.toEqual(parseRunConfig(V1));
    expect(config).toMatchObject({ defense: 'ascl', selection: 'leaked', dataset: 'synthetic', epochs: 3, lambdaVat: 2 });
    expect(config.eps).toBeCloseTo(8 / 255, 15);
  });

  it(`new configs are written at version ${CONFIG_VERSION} and read back unchanged (store column and checkpoint meta)`, () => {
    const config = readStoredConfig(V1, 'test');
    const stored = toStoredConfig(config);
    expect(stored[CONFIG_VERSION_KEY]).toBe(CONFIG_VERSION);
    expect(readStoredConfig(JSON.parse(JSON.stringify(stored)), 'test')).toEqual(config);

    const store = new Store(path.join(dir, 'a.db'));
    const run = store.createRun({ name: 'new', group: null, config, seed: 0, epochsTotal: 3 });
    const column = JSON.parse(storedConfigColumn(store.dbPath, run.id)) as Record<string, unknown>;
    expect(column[CONFIG_VERSION_KEY]).toBe(CONFIG_VERSION);
    expect(store.requireRun(run.id).config).toEqual(config);
    store.close();
  });

  it('a v1 run row in the store (status interrupted, as left by the code before versions) reads as its RunConfig', () => {
    const store = new Store(path.join(dir, 'a.db'));
    insertStoredRun(store, 'old-v1', V1);
    const r = store.requireRun('old-v1');
    expect(r.config).toEqual(V1_READ);
    expect(store.listRuns().map((x) => x.id)).toEqual(['old-v1']);
    store.close();
  });

  it('a v1 checkpoint (meta.config without configVersion) reads back with the same config', () => {
    const file = path.join(dir, 'v1.ckpt');
    const meta = { kind: 'train-checkpoint', epoch: 1, globalStep: 4, optimizer: { name: 'adam', iterations: 4 }, rngState: 7, config: V1, backend: 'cpu' };
    writeCheckpointFile(file, { meta, arrays: { 'weights/w': { shape: [2], data: Float32Array.of(1, 2) } } });
    const c = readTrainCheckpoint(file);
    expect(c.config).toEqual(V1_READ);
    expect([...c.weights.w.data]).toEqual([1, 2]);
    // Written again by this code, the checkpoint carries the current version.
    const again = path.join(dir, 'again.ckpt');
    writeTrainCheckpoint(again, c);
    expect(readTrainCheckpoint(again).config).toEqual(c.config);
  });
});

describe('config versions: migrations', () => {
  // A schema that once called tau `temperature`: v1 configs carry `temperature`, v2 renamed it.
  const chain = [renameKey('temperature', 'tau')];
  const { tau, ...rest } = V1;
  const oldNamed = { ...rest, temperature: tau };

  it('a renamed key (v1 `temperature` -> v2 `tau`): the v1 config migrates and resolves to the same values as the config stored with the new name', () => {
    const migrated = migrateConfig(oldNamed, 'test', chain);
    expect(migrated).not.toHaveProperty('temperature');
    expect(readStoredConfig(oldNamed, 'test', chain)).toEqual(parseRunConfig(V1));
    expect(readStoredConfig({ ...V1, [CONFIG_VERSION_KEY]: 2 }, 'test', chain)).toEqual(parseRunConfig(V1));
  });

  it('without the migration the old name is refused, naming the key (the error the chain exists to prevent)', () => {
    expect(() => readStoredConfig(oldNamed, 'Store: run x', [])).toThrow(/Store: run x: invalid run configuration.*temperature/);
  });

  it('renameKey refuses a config holding both names, quoting both values', () => {
    expect(() => migrateConfig({ ...V1, temperature: 0.5 }, 'test', chain)).toThrow(/both keys \(0.5 and 0.07\)/);
  });

  it('pin({ field: old value }) fills only a missing field: v1 runs keep the old behaviour, a stored value wins', () => {
    const pins = [pin({ lambdaNat: 0.5 })];
    const { lambdaNat: _drop, ...withoutField } = V1;
    expect(readStoredConfig(withoutField, 'test', pins).lambdaNat).toBe(0.5);
    expect(readStoredConfig(V1, 'test', pins).lambdaNat).toBe(1);
    // A config already at v2 is not pinned again.
    expect(readStoredConfig({ ...withoutField, [CONFIG_VERSION_KEY]: 2 }, 'test', pins).lambdaNat).toBe(1);
  });

  it('the chain is applied in order from the stored version: v1 -> v2 -> v3', () => {
    const steps = [renameKey('temperature', 't2'), renameKey('t2', 'tau')];
    expect(readStoredConfig(oldNamed, 'test', steps)).toEqual(parseRunConfig(V1));
    expect(readStoredConfig({ ...rest, t2: tau, [CONFIG_VERSION_KEY]: 2 }, 'test', steps)).toEqual(parseRunConfig(V1));
  });

  it(`today's chain has ${CONFIG_MIGRATIONS.length} entries and this code writes version ${CONFIG_MIGRATIONS.length + 1}`, () => {
    expect(CONFIG_VERSION).toBe(CONFIG_MIGRATIONS.length + 1);
  });
});

describe('config versions: refused', () => {
  it('an unknown future version is refused with a message naming the run, the version and the fix', () => {
    const future = { ...V1, [CONFIG_VERSION_KEY]: CONFIG_VERSION + 1 };
    expect(() => readStoredConfig(future, 'Store: run r1')).toThrow(ConfigError);
    expect(() => readStoredConfig(future, 'Store: run r1')).toThrow(
      new RegExp(`Store: run r1: the stored configuration is version ${CONFIG_VERSION + 1}, written by a newer ASCL Studio; this one reads versions 1 to ${CONFIG_VERSION}. Update ASCL Studio`));

    const store = new Store(path.join(dir, 'a.db'));
    insertStoredRun(store, 'from-the-future', future);
    // The run is listed, marked damaged with the reason, rather than failing every listing of the store.
    expect(store.getRun('from-the-future')?.damage).toMatch(/run from-the-future: the stored configuration is version \d+, written by a newer ASCL Studio/);
    expect(store.listRuns().map((r) => r.id)).toEqual(['from-the-future']);
    store.close();

    const file = path.join(dir, 'future.ckpt');
    writeCheckpointFile(file, { meta: { kind: 'train-checkpoint', epoch: 1, globalStep: 4, optimizer: { name: 'adam', iterations: 4 }, rngState: 7, config: future, backend: 'cpu' }, arrays: {} });
    expect(() => readTrainCheckpoint(file)).toThrow(/readTrainCheckpoint\(.*future\.ckpt\): the stored configuration is version \d+, written by a newer/);
  });

  it.each([[0], [1.5], ['2'], [null]])('configVersion %j is refused as not a whole number >= 1', (v) => {
    expect(() => migrateConfig({ ...V1, [CONFIG_VERSION_KEY]: v }, 'test')).toThrow(/configVersion must be a whole number >= 1/);
  });

  it('a stored configuration that is not an object is refused, quoting it', () => {
    expect(() => migrateConfig([1, 2], 'test')).toThrow(/not a JSON object \(got \[1,2\]\)/);
  });

  it('reading a v1 run migrates in memory only: its stored row stays byte for byte the v1 JSON', () => {
    const file = path.join(dir, 'b.db');
    const s = new Store(file);
    insertStoredRun(s, 'old', V1);
    expect(s.requireRun('old').config.selection).toBe('leaked');
    s.close();
    const raw = new Database(file);
    expect(JSON.parse((raw.prepare("SELECT config FROM runs WHERE id = 'old'").get() as { config: string }).config)).toEqual(V1);
    raw.close();
  });
});
