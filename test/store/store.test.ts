import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { peek, storeAtVersion, userVersion } from './raw-db.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseRunConfig } from '../../src-main/shared/run-config.js';
import { BUSY_TIMEOUT_MS, Store, SCHEMA_VERSION, openDatabase, resolveDbPath, resolveInside, defaultHome, doctor } from '../../src-main/store/index.js';

let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ascl-store-')); });
afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });


const epoch = (e: number) => ({ epoch: e, natAccuracy: 0.5, pgdAccuracy: 0.25, trainAccuracy: 0.6, learningRate: 1e-3, seconds: 1, terms: { loss: 1 / e } });
const config = parseRunConfig({ dataset: 'synthetic', model: 'small-cnn', defense: 'adv', selection: 'global', seed: 3, epochs: 4 });

describe('store schema and migrations', () => {
  it(`a fresh store is migrated to user_version ${SCHEMA_VERSION}, in WAL mode with a busy timeout`, () => {
    const s = new Store(path.join(dir, 'a.db'));
    expect(userVersion(s.dbPath)).toBe(SCHEMA_VERSION);
    expect(peek(s.dbPath, (db) => db.pragma('journal_mode', { simple: true }))).toBe('wal');
    s.close();
    // busy_timeout is per connection: the store's own, through a query-free check of its constant.
    expect(BUSY_TIMEOUT_MS).toBeGreaterThanOrEqual(5000);
  });

  it('reopening a migrated store keeps its data and version', () => {
    const file = path.join(dir, 'a.db');
    const s = new Store(file);
    const r = s.createRun({ name: 'x', group: null, config, seed: 3, epochsTotal: 4 });
    s.close();
    const t = new Store(file);
    expect(t.requireRun(r.id).name).toBe('x');
    expect(userVersion(file)).toBe(SCHEMA_VERSION);
    t.close();
  });

  it('a version-1 store (runs without progress columns) migrates to the current version keeping its runs; progress defaults to 0', () => {
    const file = path.join(dir, 'v1.db');
    storeAtVersion(file, 1, (raw) => {
      raw.prepare(`INSERT INTO runs (id, name, config, seed, status, created_at, updated_at, epochs_total) VALUES ('old-run', 'old', '{}', 0, 'completed', 't', 't', 5)`).run();
    });
    const s = new Store(file);
    expect(userVersion(file)).toBe(SCHEMA_VERSION);
    expect(s.requireRun('old-run')).toMatchObject({ name: 'old', status: 'completed', epochsTotal: 5, progress: 0, etaSeconds: null });
    s.heartbeat([{ id: 'old-run', progress: 0.25, etaSeconds: 12 }]);
    expect(s.requireRun('old-run')).toMatchObject({ progress: 0.25, etaSeconds: 12 });
    s.close();
  });

  it('a version-2 store with an epoch row migrates: the old row reads deadLatentFraction and collapseWarning null; new rows keep both', () => {
    const file = path.join(dir, 'v2.db');
    storeAtVersion(file, 2, (raw) => {
      raw.prepare(`INSERT INTO runs (id, name, config, seed, status, created_at, updated_at, epochs_total) VALUES ('old-run', 'old', '{}', 0, 'running', 't', 't', 5)`).run();
      raw.prepare(`INSERT INTO epoch_metrics (run_id, epoch, nat_accuracy, pgd_accuracy, train_accuracy, learning_rate, seconds, terms, created_at)
        VALUES ('old-run', 1, 0.5, 0.2, 0.4, 0.001, 3, '{"loss":1}', 't')`).run();
    });
    const s = new Store(file);
    s.appendMetrics('old-run', [], { ...epoch(2), deadLatentFraction: 0.875, collapseWarning: 'training may have collapsed: x' });
    expect(s.epochs('old-run').map((e) => [e.epoch, e.natAccuracy, e.deadLatentFraction, e.collapseWarning]))
      .toEqual([[1, 0.5, null, null], [2, epoch(2).natAccuracy, 0.875, 'training may have collapsed: x']]);
    s.close();
    expect(userVersion(file)).toBe(SCHEMA_VERSION);
  });

  it('a database from a newer schema (user_version + 1) is refused with an error naming the file, and left untouched', () => {
    const file = path.join(dir, 'newer.db');
    const raw = new Database(file);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.exec('CREATE TABLE future (x)');
    raw.close();
    expect(() => openDatabase(file)).toThrow(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}.*newer ASCL Studio.*schema version ${SCHEMA_VERSION + 1}`));
    const check = new Database(file);
    expect(check.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION + 1);
    check.close();
  });

  it('an epoch can never be stored twice (UNIQUE(run, epoch)) and the failed write leaves the steps of that transaction out too', () => {
    const s = new Store(path.join(dir, 'a.db'));
    const r = s.createRun({ name: 'x', group: null, config, seed: 3, epochsTotal: 4 });
    s.appendMetrics(r.id, [{ epoch: 1, step: 0, time: 1, values: { loss: 2 } }], epoch(1));
    expect(() => s.appendMetrics(r.id, [{ epoch: 1, step: 1, time: 2, values: { loss: 3 } }], epoch(1))).toThrow(/UNIQUE/);
    expect(s.epochs(r.id).map((e) => e.epoch)).toEqual([1]);
    expect(s.stepSeries(r.id, 'loss', 100).map((p) => p.step)).toEqual([0]);
    s.close();
  });

  it('status values outside the six known ones are rejected by a CHECK constraint', () => {
    const s = new Store(path.join(dir, 'a.db'));
    const r = s.createRun({ name: 'x', group: null, config, seed: 3, epochsTotal: 4 });
    expect(() => s.transition(r.id, 'weird' as never, { from: ['queued'], where: 'test' })).toThrow(/CHECK/);
    s.close();
  });

  it('deleting a run deletes its metrics (ON DELETE CASCADE) and its checkpoint folder', () => {
    const s = new Store(path.join(dir, 'a.db'));
    const r = s.createRun({ name: 'x', group: null, config, seed: 3, epochsTotal: 4 });
    s.appendMetrics(r.id, [{ epoch: 1, step: 0, time: 1, values: { loss: 2 } }], epoch(1));
    fs.mkdirSync(s.checkpointDir(r.id), { recursive: true });
    expect(() => s.deleteRun(r.id)).toThrow(new RegExp(`runs:delete: run ${r.id} is queued; cancel it first`));
    s.transition(r.id, 'cancelled', { from: ['queued'], where: 'test' });
    s.deleteRun(r.id);
    expect(peek(s.dbPath, (db) => db.prepare('SELECT COUNT(*) n FROM epoch_metrics').get())).toEqual({ n: 0 });
    expect(peek(s.dbPath, (db) => db.prepare('SELECT COUNT(*) n FROM step_metrics').get())).toEqual({ n: 0 });
    expect(fs.existsSync(s.checkpointDir(r.id))).toBe(false);
    s.close();
  });

  it('two connections (as two processes) write the same store concurrently without SQLITE_BUSY', () => {
    const file = path.join(dir, 'a.db');
    const a = new Store(file);
    const b = new Store(file);
    const ra = a.createRun({ name: 'a', group: null, config, seed: 1, epochsTotal: 4 });
    const rb = b.createRun({ name: 'b', group: null, config, seed: 2, epochsTotal: 4 });
    for (let e = 1; e <= 4; e++) { a.appendMetrics(ra.id, [], epoch(e)); b.appendMetrics(rb.id, [], epoch(e)); }
    expect(a.listRuns().length).toBe(2);
    expect(b.epochs(ra.id).length).toBe(4);
    a.close(); b.close();
  });
});

describe('metrics', () => {
  it('truncateAfter(epoch 1, step 10) drops later epochs, steps, snapshots and checkpoints rows, and resets epochs_done', () => {
    const s = new Store(path.join(dir, 'a.db'));
    const r = s.createRun({ name: 'x', group: null, config, seed: 3, epochsTotal: 4 });
    const steps = Array.from({ length: 20 }, (_, i) => ({ epoch: i < 10 ? 1 : 2, step: i, time: i, values: { loss: i } }));
    s.appendMetrics(r.id, steps.slice(0, 10), epoch(1));
    s.appendMetrics(r.id, steps.slice(10), epoch(2));
    s.addSelection(r.id, { epoch: 2, anchorIndex: 0, anchorLabel: 1, positives: [], negatives: [] });
    s.addCheckpoint({ runId: r.id, epoch: 2, globalStep: 20, file: s.checkpointFile(r.id, 2), size: 1, sha256: 'x' });
    s.truncateAfter(r.id, 1, 10);
    expect(s.epochs(r.id).map((e) => e.epoch)).toEqual([1]);
    expect(s.stepSeries(r.id, 'loss', 100).map((p) => p.step)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(s.selections(r.id)).toEqual([]);
    expect(s.checkpoints(r.id)).toEqual([]);
    expect(s.requireRun(r.id).epochsDone).toBe(1);
    s.close();
  });

  it('stepSeries decimates 1000 steps into at most 10 buckets keeping every extreme (a spike at step 537 survives)', () => {
    const s = new Store(path.join(dir, 'a.db'));
    const r = s.createRun({ name: 'x', group: null, config, seed: 3, epochsTotal: 4 });
    const steps = Array.from({ length: 1000 }, (_, i) => ({ epoch: 1, step: i, time: i, values: { loss: i === 537 ? 99 : Math.sin(i) } }));
    s.appendMetrics(r.id, steps);
    const pts = s.stepSeries(r.id, 'loss', 10);
    expect(pts.length).toBe(10);
    expect(Math.max(...pts.map((p) => p.max))).toBe(99);
    expect(Math.min(...pts.map((p) => p.min))).toBeCloseTo(Math.min(...steps.map((x) => x.values.loss)), 12);
    const bucket = pts.find((p) => p.max === 99)!;
    expect(bucket.step).toBe(500); // buckets are 100 steps wide: [500, 600)
    const raw = steps.slice(500, 600).map((x) => x.values.loss);
    expect(bucket.mean).toBeCloseTo(raw.reduce((a, b) => a + b, 0) / raw.length, 10);
    s.close();
  });
});

describe('paths', () => {
  it('ASCL_HOME and --db choose the store; the default is the platform application data folder', () => {
    expect(resolveDbPath(null, { ASCL_HOME: '/tmp/h' })).toBe(path.resolve('/tmp/h/ascl.db'));
    expect(resolveDbPath('x/y.db', { ASCL_HOME: '/tmp/h' })).toBe(path.resolve('x/y.db'));
    expect(defaultHome({ XDG_CONFIG_HOME: '/cfg' }, 'linux')).toBe('/cfg/ascl-studio');
    expect(defaultHome({}, 'darwin')).toBe(path.join(os.homedir(), 'Library', 'Application Support', 'ascl-studio'));
    expect(defaultHome({ APPDATA: 'C:/Users/u/AppData/Roaming' }, 'win32')).toBe(path.join('C:/Users/u/AppData/Roaming', 'ascl-studio'));
  });

  it.each(['../x', 'a/../../x', '/etc/passwd', 'C:\\x', 'a\0b', '', 'checkpoints/../../x'])('resolveInside rejects path traversal %j', (name) => {
    expect(() => resolveInside(dir, name)).toThrow(/resolveInside/);
  });

  it('resolveInside accepts a nested relative name', () => {
    expect(resolveInside(dir, 'checkpoints/r1/epoch-000001.ckpt')).toBe(path.join(dir, 'checkpoints/r1/epoch-000001.ckpt'));
  });
});

describe('doctor', () => {
  it('finds a missing epoch, a step gap, a completed run short of its epochs and a missing checkpoint file, naming each', () => {
    const s = new Store(path.join(dir, 'a.db'));
    const r = s.createRun({ name: 'x', group: null, config, seed: 3, epochsTotal: 4 });
    expect(doctor(s).ok).toBe(true);
    s.appendMetrics(r.id, [{ epoch: 1, step: 0, time: 0, values: { loss: 1 } }, { epoch: 1, step: 2, time: 0, values: { loss: 1 } }], epoch(1));
    s.appendMetrics(r.id, [], epoch(3));
    s.transition(r.id, 'completed', { from: ['queued'], where: 'test' });
    s.addCheckpoint({ runId: r.id, epoch: 3, globalStep: 3, file: s.checkpointFile(r.id, 3), size: 10, sha256: 'ab' });
    const rep = doctor(s);
    expect(rep.ok).toBe(false);
    const text = rep.problems.join('\n');
    expect(text).toMatch(new RegExp(`run ${r.id}: epochs 2 missing`));
    expect(text).toMatch(/step series has gaps/);
    expect(text).toMatch(/completed with 3 of 4 epochs/);
    expect(text).toMatch(/epoch-000003\.ckpt/);
    s.close();
  });
});
