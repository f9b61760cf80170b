/**
 * `ascl` exit codes and messages (the real bin, one process per call): 0 ok, 1 the work failed
 * (doctor problems, conflicts), 2 bad usage or input; bad input never creates or changes a store.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeService, tempDir, SMALL } from '../service/helpers.js';
import { lastJson, runCli } from './cli-helpers.js';

const dir = tempDir('ascl-cli-');
const db = path.join(dir, 'store.db');
const fresh = path.join(dir, 'never-created.db');
let runId = '';
let runId2 = '';
beforeAll(async () => {
  const s = await fakeService(db, { workers: 2 });
  runId = (await s['runs:start']({ config: { ...SMALL } })).id;
  runId2 = (await s['runs:start']({ config: { ...SMALL, seed: 5 } })).id;
  await Promise.all([s.waitForRun(runId), s.waitForRun(runId2)]);
  await s.close();
  fs.writeFileSync(path.join(dir, 'bad-key.json'), JSON.stringify({ epochs: 2, learningrate: 0.1 }));
  fs.writeFileSync(path.join(dir, 'not-json.json'), '{ epochs: 2');
});
afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });

/** [title, args, exit code, stderr pattern] */
const USAGE: Array<[string, string[], number, RegExp]> = [
  ['unknown flag', ['train', '--db', fresh, '--colour', 'red'], 2, /unknown option '--colour'/],
  ['unknown command', ['fly'], 2, /unknown command 'fly'/],
  ['batch size 0', ['train', '--db', fresh, '--batch-size', '0'], 2, /batchSize.*got 0/],
  ['negative eps', ['train', '--db', fresh, '--eps', '-0.1'], 2, /eps/],
  ['eps not a number', ['train', '--db', fresh, '--eps', 'lots'], 2, /--eps must be a decimal number or a fraction like 8\/255 \(got "lots"\)/],
  ['unknown model', ['train', '--db', fresh, '--model', 'vgg'], 2, /model.*"vgg"/],
  ['unknown dataset', ['train', '--db', fresh, '--dataset', 'imagenet'], 2, /dataset.*"imagenet"/],
  ['fractional epochs', ['train', '--db', fresh, '--epochs', '2.5'], 2, /epochs/],
  ['boolean flag not a boolean', ['train', '--db', fresh, '--augment-flip', 'maybe'], 2, /--augment-flip must be true or false/],
  ['missing config file', ['train', '--db', fresh, '--config', path.join(dir, 'nope.json')], 2, /cannot read the configuration file .*nope\.json: ENOENT/],
  ['config file not JSON', ['train', '--db', fresh, '--config', path.join(dir, 'not-json.json')], 2, /not-json\.json is not valid JSON/],
  ['config file with an unknown key', ['train', '--db', fresh, '--config', path.join(dir, 'bad-key.json')], 2, /bad-key\.json.*learningrate/],
  ['eval without --run or --model', ['eval', '--db', fresh, '--attack', 'pgd'], 2, /exactly one of --run RUN or --model/],
  ['eval unknown attack', ['eval', '--db', fresh, '--run', 'x', '--attack', 'laser'], 2, /argument 'laser' is invalid/],
  ['eval negative eps', ['eval', '--db', fresh, '--run', 'x', '--attack', 'pgd', '--eps', '-8/255'], 2, /--eps must be a number >= 0/],
  ['eval batch 0', ['eval', '--db', fresh, '--run', 'x', '--attack', 'pgd', '--batch-size', '0'], 2, /--batch-size must be a decimal integer >= 1/],
  ['eval --model without --dataset', ['eval', '--db', fresh, '--model', 'x/model.json', '--attack', 'pgd'], 2, /--model needs --dataset/],
  ['analyze with nothing to do', ['analyze', '--db', fresh, '--run', 'x'], 2, /at least one of --eps-sweep/],
  ['analyze eps list with text', ['analyze', '--db', fresh, '--run', 'x', '--eps-sweep', '0,big'], 2, /--eps-sweep must be a number/],
  ['serve on a bad port', ['serve', '--db', fresh, '--port', '-1'], 2, /--port must be a decimal integer >= 0/],
  ['export of an unknown kind', ['export', 'x', '--csv', '-', '--what', 'all', '--db', fresh], 2, /argument 'all' is invalid/],
  ['show: missing argument', ['show'], 2, /missing required argument 'run'/],
];

describe(`ascl usage errors (${USAGE.length} kinds) exit with code 2 and create no store`, () => {
  it.concurrent.each(USAGE)('%s', async (_t, args, code, pattern) => {
    const r = await runCli(args);
    expect(r.code, r.stdout + r.stderr).toBe(code);
    expect(r.stderr).toMatch(pattern);
    expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack trace
    expect(fs.existsSync(fresh)).toBe(false);
  });
});

describe('ascl on a store with two finished runs', () => {
  it.concurrent('runs --json lists both with their epochs; show --json gives status and epochs 1..3', async () => {
    const [list, show] = await Promise.all([runCli(['runs', '--db', db, '--json']), runCli(['show', runId, '--db', db, '--json'])]);
    expect(list.code, list.stderr).toBe(0);
    const runs = lastJson(list.stdout) as unknown as Array<{ id: string; status: string; epochs: unknown[] }>;
    expect(runs.map((r) => r.id).sort()).toEqual([runId, runId2].sort());
    expect(runs.every((r) => r.status === 'completed' && r.epochs.length === 3)).toBe(true);
    expect(show.code, show.stderr).toBe(0);
    const s = lastJson(show.stdout) as { status: string; epochs: Array<{ epoch: number; natAccuracy: number }> };
    expect(s.status).toBe('completed');
    expect(s.epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(s.epochs.every((e) => e.natAccuracy >= 0 && e.natAccuracy <= 1)).toBe(true);
  });

  it.concurrent('export RUN RUN --csv FILE writes one row per epoch of each run (6) with a header', async () => {
    const out = path.join(dir, 'out.csv');
    const r = await runCli(['export', runId, runId2, '--csv', out, '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    const lines = fs.readFileSync(out, 'utf8').trim().split('\n');
    // The per-epoch PGD is monitoring; the `monitoring` column says which PGD on how many images.
    expect(lines[0]).toMatch(/^runId,name,epoch,natAccuracy,pgdAccuracy \(monitoring\),monitoring,trainAccuracy,learningRate,seconds/);
    expect(lines[1]).toMatch(/PGD-\d+ \(monitoring, \d+ images\)/);
    expect(lines.length).toBe(7);
    expect(lines.filter((l) => l.startsWith(runId)).map((l) => l.split(',')[2])).toEqual(['1', '2', '3']);
  });

  it.concurrent('show of an unknown run exits 2 naming it; resume of a completed run exits 1 (conflict)', async () => {
    const [show, resume] = await Promise.all([runCli(['show', 'nope', '--db', db]), runCli(['resume', runId, '--db', db])]);
    expect(show.code).toBe(2);
    expect(show.stderr).toMatch(/no run "nope"/);
    expect(resume.code).toBe(1);
    expect(resume.stderr).toMatch(/is completed; only interrupted, failed or cancelled runs resume/);
  });

  it('doctor passes (exit 0), then finds a truncated checkpoint and names its file (exit 1)', async () => {
    const ok = await runCli(['doctor', '--db', db, '--json']);
    expect(ok.code, ok.stdout).toBe(0);
    expect(lastJson(ok.stdout)).toMatchObject({ ok: true, runs: 2, epochsChecked: 6, checkpointsVerified: 4 });
    const ckptDir = path.join(dir, 'checkpoints', runId);
    const file = path.join(ckptDir, fs.readdirSync(ckptDir).sort().at(-1)!);
    fs.truncateSync(file, 100);
    const bad = await runCli(['doctor', '--db', db]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(file);
    expect(bad.stdout).toMatch(/corrupt or truncated/);
  });

  it.concurrent('a run whose data folder is missing fails (exit 1) with an error naming the folder; the store stays consistent', async () => {
    const other = path.join(dir, 'missing-data.db');
    const missing = path.join(dir, 'no-such-folder');
    const r = await runCli(['train', '--db', other, '--json', '--dataset', 'cifar10', '--data-dir', missing, '--model', 'small-cnn', '--epochs', '1', '--backend', 'wasm']);
    expect(r.code).toBe(1);
    const end = lastJson(r.stdout) as { status: string; error: string; runId: string };
    expect(end.status).toBe('failed');
    expect(end.error).toContain(missing);
    const doc = await runCli(['doctor', '--db', other, '--json']);
    expect(doc.code, doc.stdout).toBe(0);
  });

  it.concurrent('--help and --version exit 0', async () => {
    const [help, version] = await Promise.all([runCli(['--help']), runCli(['--version'])]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/train.*\n[\s\S]*doctor/);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
