/**
 * The command line on damaged, read-only and full stores and bad --db paths (the real bin, one
 * process per call): bad paths exit 2 naming the path with nothing created beside them; read-only
 * commands (runs, show, export, doctor) work on a read-only store and around a bad JSON cell;
 * doctor --json always prints its report; writing commands refuse a damaged store with the
 * `.recover` hint; a full disk during `ascl train` ends the run interrupted, exit 1, no stack trace.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeService, tempDir, SMALL } from '../service/helpers.js';
import { readOnlyBind } from '../faults/mounts.js';
import { lastJson, runCli, startCli } from './cli-helpers.js';

const dir = tempDir('ascl-cli-faults-');
const STACK = /\n\s+at .+:\d+:\d+/;
let ids: string[] = [];
/** A store with 3 finished fake runs at `file`. */
async function threeRuns(file: string): Promise<string[]> {
  const s = await fakeService(file, { workers: 2 });
  const got = [];
  for (const seed of [1, 2, 3]) got.push((await s['runs:start']({ config: { ...SMALL, seed } })).id);
  for (const id of got) await s.waitForRun(id);
  await s.close();
  return got;
}
const good = path.join(dir, 'good', 'ascl.db');
const cells = path.join(dir, 'cells', 'ascl.db');
const page = path.join(dir, 'page', 'ascl.db');
beforeAll(async () => {
  for (const f of [good, cells, page]) fs.mkdirSync(path.dirname(f), { recursive: true });
  ids = await threeRuns(good);
  for (const f of [cells, page]) fs.cpSync(path.dirname(good), path.dirname(f), { recursive: true });
  const raw = new Database(cells);
  raw.prepare("UPDATE runs SET config = 'garbage{' WHERE id = ?").run(ids[0]);
  raw.prepare("UPDATE epoch_metrics SET terms = '[1, 2' WHERE run_id = ? AND epoch = 2").run(ids[1]);
  raw.close();
  const fd = fs.openSync(page, 'r+');
  fs.writeSync(fd, Buffer.alloc(3000, 0x5a), 0, 3000, 4096); // page 2: the root page of the runs table
  fs.closeSync(fd);
}, 60_000);
afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });

describe('bad --db paths: exit 2 naming the path, nothing created beside it', () => {
  const notDb = path.join(dir, 'notes.txt');
  const paths: Array<[string, string, RegExp]> = [
    ['a folder', dir, /is a folder, not a database file/],
    ['/dev/null', '/dev/null', /is not a regular file/],
    ['a text file', notDb, /is not an ASCL Studio store \(not an SQLite database: it starts with "plain text"\)/],
    ['a path in a missing folder', path.join(dir, 'nope', 'x.db'), /is in a folder that does not exist/],
  ];
  const commands: Array<[string, string[]]> = [['train', ['train', '--dataset', 'synthetic', '--epochs', '1']], ['serve', ['serve', '--port', '0']]];
  it.each(paths)('%s: train, serve, runs, show, export, resume exit 2 naming it; doctor --json reports it', async (_t, db, pattern) => {
    fs.writeFileSync(notDb, 'plain text');
    const journal = fs.existsSync(`${db}-journal`);
    const before = fs.readdirSync(dir).sort();
    // Every command at once (each its own process): train and serve, and where the path exists the read-only ones.
    const calls: string[][] = commands.map(([, args]) => [...args, '--db', db]);
    if (!db.includes('nope')) for (const args of [['runs'], ['show', 'x'], ['export', 'x', '--csv', '-'], ['resume', 'x']]) calls.push([...args, '--db', db]);
    const [doc, ...results] = await Promise.all([runCli(['doctor', '--db', db, '--json']), ...calls.map((args) => runCli(args))]);
    results.forEach((r, i) => {
      expect(r.code, `${calls[i][0]}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(db);
      expect(r.stderr).toMatch(pattern);
      expect(r.stderr).not.toMatch(STACK);
    });
    // doctor --json prints its report in every case: exit 1 for a path that is not a store, 2 for one that does not exist.
    expect(doc.code, doc.stderr).toBe(db.includes('nope') ? 2 : 1);
    expect(lastJson(doc.stdout)).toMatchObject({ ok: false, problems: [expect.stringMatching(db.includes('nope') ? /no store at/ : pattern)] });
    expect(fs.readdirSync(dir).sort()).toEqual(before);
    if (!journal) expect(fs.existsSync(`${db}-journal`)).toBe(false);
  });
});

describe('one bad JSON cell (runs.config of run 1, epoch_metrics.terms of run 2 epoch 2)', () => {
  it('runs --json lists all 3, naming the damaged table and column for runs 1 and 2; show and export name them; doctor --json reports both, exit 1', async () => {
    const list = await runCli(['runs', '--db', cells, '--json']);
    expect(list.code, list.stderr).toBe(0);
    const runs = lastJson(list.stdout) as unknown as Array<{ id: string; status: string; error: string | null; epochs: unknown[] }>;
    const byId = new Map(runs.map((r) => [r.id, r]));
    expect([...byId.keys()].sort()).toEqual([...ids].sort());
    expect(byId.get(ids[0])!.error).toMatch(new RegExp(`run ${ids[0]}: the stored runs.config is not valid JSON`));
    expect(byId.get(ids[1])!.error).toMatch(new RegExp(`run ${ids[1]}: the stored epoch_metrics.terms \\(epoch 2\\) is not valid JSON`));
    expect(byId.get(ids[2])).toMatchObject({ status: 'completed', error: null });
    expect(byId.get(ids[2])!.epochs.length).toBe(3);
    const text = await runCli(['runs', '--db', cells]);
    expect(text.code).toBe(0);
    expect(text.stdout.split('\n').filter((l) => ids.some((id) => l.startsWith(id))).length).toBe(3);

    const show = await runCli(['show', ids[1], '--db', cells, '--json']);
    expect(show.code, show.stderr).toBe(0);
    expect((lastJson(show.stdout) as { error: string }).error).toMatch(/epoch_metrics.terms \(epoch 2\)/);

    const exp = await runCli(['export', ...ids, '--csv', '-', '--db', cells]);
    expect(exp.code).toBe(1);
    expect(exp.stderr).toMatch(new RegExp(`left out: run ${ids[0]}: the stored runs.config`));
    expect(exp.stderr).toMatch(new RegExp(`left out: run ${ids[1]}: the stored epoch_metrics.terms`));
    expect(exp.stdout.trim().split('\n').slice(1).map((l) => l.split(',')[0])).toEqual([ids[2], ids[2], ids[2]]);

    const doc = await runCli(['doctor', '--db', cells, '--json']);
    expect(doc.code).toBe(1);
    const rep = lastJson(doc.stdout) as { ok: boolean; problems: string[] };
    expect(rep.ok).toBe(false);
    expect(rep.problems).toEqual(expect.arrayContaining([`run ${ids[0]}: runs.config is not valid JSON`, `run ${ids[1]}: epoch_metrics.terms (epoch 2) is not valid JSON`]));
  }, 60_000);
});

describe('a corrupted page (3000 bytes of 0x5A written over page 2, the runs table root)', () => {
  it('doctor --json prints every problem with the .recover hint (exit 1); resume and train refuse to write with the hint (exit 1), no stack trace', async () => {
    const doc = await runCli(['doctor', '--db', page, '--json']);
    expect(doc.code).toBe(1);
    const rep = lastJson(doc.stdout) as { ok: boolean; problems: string[] };
    expect(rep.ok).toBe(false);
    console.log(`corrupted page: doctor --json: ${JSON.stringify(rep.problems)}`);
    expect(rep.problems.join('\n')).toMatch(/SQLite (integrity|quick)_check/);
    expect(rep.problems.join('\n')).toMatch(/\.recover/);
    const before = fs.readFileSync(page);
    for (const args of [['resume', ids[0]], ['train', '--dataset', 'synthetic', '--epochs', '1']]) {
      const r = await runCli([...args, '--db', page]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/refused for writing: the store fails SQLite's quick_check/);
      expect(r.stderr).toContain(`sqlite3 ${page} .recover`);
      expect(r.stderr).not.toMatch(STACK);
    }
    expect(fs.readFileSync(page).equals(before)).toBe(true);
  }, 60_000);
});

describe('a read-only store (a read-only bind mount where permitted, else the read-only opening on the plain file)', () => {
  it('runs, show, export and doctor all exit 0; resume is refused naming the file', async () => {
    const mount = readOnlyBind(path.dirname(good), dir);
    try {
      const db = path.join(mount?.dir ?? path.dirname(good), 'ascl.db');
      const results = await Promise.all([
        runCli(['runs', '--db', db, '--json']), runCli(['show', ids[0], '--db', db, '--json']),
        runCli(['export', ids[0], '--csv', '-', '--db', db]), runCli(['doctor', '--db', db, '--json']),
      ]);
      for (const r of results) expect(r.code, r.stderr).toBe(0);
      expect((lastJson(results[0].stdout) as unknown as unknown[]).length).toBe(3);
      expect(lastJson(results[3].stdout)).toMatchObject({ ok: true, runs: 3 });
      if (mount) {
        const r = await runCli(['resume', ids[0], '--db', db]);
        expect(r.code).toBe(1);
        expect(r.stderr).toContain(db);
        expect(r.stderr).toMatch(/cannot be (opened for writing|written)/);
        expect(r.stderr).not.toMatch(STACK);
      }
    } finally { mount?.unmount(); }
  }, 60_000);
});

describe('a full disk during `ascl train` (SQLITE_FULL injected at the storage seam from the 2nd metrics write)', () => {
  it('the run ends interrupted naming the file and "free space"; exit 1 without a stack trace; the store stays consistent and the run resumes', async () => {
    const db = path.join(dir, 'full.db');
    const train = ['train', '--db', db, '--json', '--dataset', 'synthetic', '--model', 'small-cnn', '--defense', 'nat', '--epochs', '2', '--limit', '64',
      '--batch-size', '32', '--eval-subset', '32', '--backend', 'wasm'];
    const r = await runCli(train, { env: { ASCL_STORE_FAULT: 'SQLITE_FULL:after=1:match=appendMetrics' }, timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).not.toMatch(STACK);
    const end = lastJson(r.stdout) as { event: string; status: string; error: string; runId: string };
    expect(end).toMatchObject({ event: 'end', status: 'interrupted' });
    expect(end.error).toMatch(new RegExp(`the disk holding the store ${db.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is full: database or disk is full \\(SQLITE_FULL\\); free space on that disk`));
    expect(r.stderr).toMatch(new RegExp(`ascl: run ${end.runId} interrupted: `));
    const doc = await runCli(['doctor', '--db', db, '--json']);
    expect(doc.code, doc.stdout).toBe(0);
    const resumed = await runCli(['resume', end.runId, '--db', db, '--json'], { timeoutMs: 120_000 });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(lastJson(resumed.stdout)).toMatchObject({ status: 'completed', epochsDone: 2 });
  }, 240_000);
});

describe('a full disk under `ascl serve` (SQLITE_FULL injected from the 2nd metrics write)', () => {
  it('the run started over HTTP ends interrupted naming the file; the server keeps answering; SIGTERM exits 0 without a stack trace', async () => {
    const db = path.join(dir, 'serve-full.db');
    let url = '';
    const proc = startCli(['serve', '--port', '0', '--db', db, '--workers', '1'], () => {}, { ASCL_STORE_FAULT: 'SQLITE_FULL:after=1:match=appendMetrics' });
    await new Promise<void>((resolve) => {
      proc.child.stdout!.on('data', (d: Buffer) => { const m = /served at (http:\/\/\S+)/.exec(d.toString()); if (m) { url = m[1]; resolve(); } });
    });
    const call = async (channel: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> => {
      const res = await fetch(new URL(`/api/${channel}`, url), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, json: await res.json() as Record<string, unknown> };
    };
    const started = await call('runs:start', { config: { dataset: 'synthetic', model: 'small-cnn', defense: 'nat', epochs: 2, limit: 64, batchSize: 32, evalSubset: 32, backend: 'wasm' } });
    expect(started.status).toBe(200);
    const id = String(started.json.id);
    let run: Record<string, unknown> = {};
    for (let i = 0; i < 240; i++) {
      run = (await call('runs:get', { id })).json;
      if (run.status !== 'queued' && run.status !== 'running') break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(run.status).toBe('interrupted');
    expect(String(run.error)).toMatch(/the disk holding the store .*serve-full\.db is full: database or disk is full \(SQLITE_FULL\); free space on that disk/);
    expect((await call('app:info', {})).status).toBe(200);
    proc.child.kill('SIGTERM');
    const r = await proc.exited;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(STACK);
  }, 180_000);
});
