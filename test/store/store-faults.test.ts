/**
 * The store under faults: bad --db paths, a corrupted page, corrupted JSON cells, a read-only
 * store and a full disk. Each fault must give a StoreError whose code and message say what
 * happened and what to do, never a crash, and read-only use must keep working where it can.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseRunConfig } from '../../src-main/shared/run-config.js';
import { Store, StoreError, doctorFile, injectWriteFault } from '../../src-main/store/index.js';
import { fillDisk, readOnlyBind, smallTmpfs } from '../faults/mounts.js';

let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ascl-storefault-')); });
afterEach(() => { injectWriteFault(null); fs.rmSync(dir, { recursive: true, force: true }); });

const config = parseRunConfig({ dataset: 'synthetic', model: 'small-cnn', defense: 'adv', selection: 'global', seed: 3, epochs: 4 });
const epoch = (e: number) => ({ epoch: e, natAccuracy: 0.5, pgdAccuracy: 0.25, trainAccuracy: 0.6, learningRate: 1e-3, seconds: 1, terms: { loss: 1 / e } });
const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

function codeOf(f: () => unknown): { code: string; message: string } {
  try { f(); } catch (err) { return { code: err instanceof StoreError ? err.code : `not a StoreError: ${String(err)}`, message: (err as Error).message }; }
  return { code: 'no error', message: '' };
}

/** A closed store with `n` runs of 2 epochs each (several pages per table). */
function filledStore(file: string, n: number): string[] {
  const s = new Store(file);
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = s.createRun({ name: `run-${i}-${'x'.repeat(200)}`, group: null, config: { ...config, seed: i }, seed: i, epochsTotal: 2 });
    s.appendMetrics(r.id, Array.from({ length: 20 }, (_, k) => ({ epoch: 1, step: k, time: k, values: { loss: k } })), epoch(1));
    ids.push(r.id);
  }
  s.close();
  return ids;
}

describe('bad --db paths are refused by name (code bad-path) and nothing is created beside them', () => {
  const cases: Array<[string, () => string, RegExp]> = [
    ['a folder', () => dir, /is a folder, not a database file/],
    ['/dev/null', () => '/dev/null', /is not a regular file/],
    ['a text file', () => { const f = path.join(dir, 'notes.txt'); fs.writeFileSync(f, 'hello, not a database'); return f; }, /is not an ASCL Studio store \(not an SQLite database/],
    ['a path in a missing folder', () => path.join(dir, 'no', 'such', 'x.db'), /is in a folder that does not exist/],
  ];
  it.each(cases)('%s', (_t, make, pattern) => {
    const file = make();
    const journalBefore = fs.existsSync(`${file}-journal`);
    const listing = fs.readdirSync(dir).sort();
    for (const readonly of [false, true]) {
      const e = codeOf(() => new Store(file, { readonly, createFolder: false }));
      expect(e.code).toBe('bad-path');
      expect(e.message).toContain(file);
      expect(e.message).toMatch(readonly && _t.includes('missing') ? /does not exist/ : pattern);
    }
    expect(fs.readdirSync(dir).sort()).toEqual(listing);
    if (!journalBefore) expect(fs.existsSync(`${file}-journal`)).toBe(false);
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
  });
});

describe('corruption', () => {
  it('a corrupted page (2 KiB of 0xA5 written into page 4 of a 150-run store): doctor reports it with the .recover hint, writing is refused, nothing throws', () => {
    const file = path.join(dir, 'a.db');
    filledStore(file, 150);
    const size = fs.statSync(file).size;
    expect(size).toBeGreaterThan(8 * 4096);
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.alloc(2048, 0xa5), 0, 2048, 3 * 4096 + 512);
    fs.closeSync(fd);
    const rep = doctorFile(file);
    console.log(`corrupted page: doctor found ${rep.problems.length} problems, ${JSON.stringify(rep.problems)}`);
    expect(rep.ok).toBe(false);
    expect(rep.problems.some((p) => /^SQLite (integrity|quick)_check: /.test(p)), rep.problems.join('\n')).toBe(true);
    expect(rep.problems.at(-1)).toMatch(new RegExp(`sqlite3 ${esc(file)} \\.recover`));
    const w = codeOf(() => new Store(file));
    expect(w.code).toBe('corrupt');
    expect(w.message).toMatch(/refused for writing: the store fails SQLite's quick_check/);
    expect(w.message).toMatch(/\.recover/);
  });

  it('corrupted cells (runs.config of run A and epoch_metrics.terms of run B set to garbage): every run still lists, A and B name their table and column, doctor lists both', () => {
    const file = path.join(dir, 'a.db');
    const [a, b, c] = filledStore(file, 3);
    const raw = new Database(file);
    raw.prepare("UPDATE runs SET config = '{\"defense\": adv' WHERE id = ?").run(a);
    raw.prepare("UPDATE epoch_metrics SET terms = 'NaN-garbage' WHERE run_id = ?").run(b);
    raw.close();
    const s = new Store(file, { readonly: true });
    const runs = s.listRuns();
    expect(runs.map((r) => r.id).sort()).toEqual([a, b, c].sort());
    expect(runs.find((r) => r.id === a)!.damage).toMatch(new RegExp(`run ${a}: the stored runs.config is not valid JSON`));
    expect(runs.find((r) => r.id === b)!.damage).toBeNull();
    const e = codeOf(() => s.epochs(b));
    expect(e).toMatchObject({ code: 'corrupt-cell' });
    expect(e.message).toMatch(new RegExp(`run ${b}: the stored epoch_metrics.terms \\(epoch 1\\) is not valid JSON`));
    expect(s.epochs(c).map((x) => x.epoch)).toEqual([1]);
    s.close();
    const rep = doctorFile(file);
    expect(rep.ok).toBe(false);
    expect(rep.problems).toEqual(expect.arrayContaining([`run ${a}: runs.config is not valid JSON`, `run ${b}: epoch_metrics.terms (epoch 1) is not valid JSON`]));
    expect(rep.runs).toBe(3);
  });
});

describe('read-only store', () => {
  it('opened read-only (on a read-only bind mount where permitted): lists runs and epochs; every write is refused with code read-only', () => {
    const src = path.join(dir, 'src');
    fs.mkdirSync(src);
    const [a] = filledStore(path.join(src, 'a.db'), 2);
    const mount = readOnlyBind(src, dir);
    try {
      const file = path.join(mount?.dir ?? src, 'a.db');
      console.log(`read-only store: ${mount ? 'read-only bind mount' : 'read-only opening (mount not permitted)'}`);
      const s = new Store(file, { readonly: true });
      expect(s.listRuns().length).toBe(2);
      expect(s.epochs(a).map((e) => e.epoch)).toEqual([1]);
      const w = codeOf(() => s.createRun({ name: 'x', group: null, config, seed: 0, epochsTotal: 1 }));
      expect(w.code).toBe('read-only');
      expect(w.message).toMatch(/opened read-only/);
      s.close();
      expect(doctorFile(file)).toMatchObject({ ok: true, runs: 2, problems: [] });
      if (mount) {
        // Opening for writing on the read-only mount: refused by name, not a crash.
        const rw = codeOf(() => new Store(file));
        expect(rw.code).toBe('read-only');
        expect(rw.message).toContain(file);
      }
    } finally { mount?.unmount(); }
  });
});

describe('disk full', () => {
  it('an injected SQLITE_FULL at the write seam becomes code disk-full naming the file and "free space"; the store stays readable', () => {
    const file = path.join(dir, 'a.db');
    const s = new Store(file);
    const r = s.createRun({ name: 'x', group: null, config, seed: 0, epochsTotal: 4 });
    injectWriteFault({ code: 'SQLITE_FULL', match: /appendMetrics/ });
    const e = codeOf(() => s.appendMetrics(r.id, [{ epoch: 1, step: 0, time: 0, values: { loss: 1 } }], epoch(1)));
    expect(e.code).toBe('disk-full');
    expect(e.message).toMatch(new RegExp(`appendMetrics\\(run ${r.id}, 1 steps, epoch 1\\): the disk holding the store ${esc(file)} is full: database or disk is full \\(SQLITE_FULL\\); free space on that disk`));
    injectWriteFault(null);
    expect(s.epochs(r.id)).toEqual([]);
    s.close();
  });

  it('a real full disk (a 640 KiB tmpfs, filled) where mounting is permitted: SQLite\'s own SQLITE_FULL maps the same way; a read-only open still lists', () => {
    const mount = smallTmpfs(640, dir);
    if (!mount) { console.log('disk full: tmpfs not permitted here; the injected fault above covers the seam'); return; }
    try {
      const file = path.join(mount.dir, 'a.db');
      const s = new Store(file);
      const r = s.createRun({ name: 'x', group: null, config, seed: 0, epochsTotal: 1000 });
      fillDisk(mount.dir, 8 * 1024);
      let e = { code: 'no error', message: '' };
      for (let k = 0; k < 2000 && e.code === 'no error'; k++) {
        e = codeOf(() => s.appendMetrics(r.id, Array.from({ length: 50 }, (_, i) => ({ epoch: 1, step: k * 50 + i, time: 0, values: { loss: i, acc: i } }))));
      }
      console.log(`disk full (tmpfs): ${e.message}`);
      expect(['disk-full', 'io']).toContain(e.code);
      expect(e.message).toContain(file);
      s.close();
      const ro = new Store(file, { readonly: true });
      expect(ro.listRuns().map((x) => x.id)).toEqual([r.id]);
      ro.close();
    } finally { mount.unmount(); }
  });
});
