/**
 * Training health on the command line, on a run that really collapses: the ASCL preset
 * (table3/ascl) on the bundled MNIST with small-cnn as published (batchNorm false), first 500
 * digits, 2 epochs, 200 monitored digits, wasm (test/train/collapse-mnist.test.ts: the latent ReLU
 * units die). The warning with its usual cause and what to try appears in the progress of
 * `ascl train`, in `ascl show` and, as a mark, in `ascl runs`; `ascl train --dry-run` then
 * estimates a like run from this one's stored epochs and stores nothing.
 */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lastJson, runCli } from './cli-helpers.js';
import { tempDir } from '../service/helpers.js';
import fs from 'node:fs';

const dir = tempDir('ascl-health-');
const db = path.join(dir, 'ascl.db');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const COLLAPSING = ['--preset', 'table3/ascl', '--dataset', 'mnist', '--model', 'small-cnn', '--batch-norm', 'false', '--epochs', '2', '--limit', '500',
  '--eval-subset', '200', '--backend', 'wasm', '--query-anchors', '0'];
const WARNING = /training may have collapsed: .*latent units are dead.*the usual cause: the latent ReLU units die under the contrastive term on a network without batch norm; try batchNorm true/;

describe('collapse warning on the CLI (table3/ascl, mnist, small-cnn, batchNorm false, 500 digits, 2 epochs)', () => {
  let runId = '';
  it('ascl train --json: the progress names the warning on stderr and the epoch lines carry it', async () => {
    const r = await runCli(['train', '--db', db, '--json', ...COLLAPSING], { timeoutMs: 900_000 });
    expect(r.code, r.stderr).toBe(0);
    runId = String(lastJson(r.stdout).runId);
    const warned = r.stderr.split('\n').filter((l) => l.startsWith(`ascl: warning: run ${runId}, epoch `));
    expect(warned.length).toBeGreaterThan(0);
    expect(warned.at(-1)).toMatch(WARNING);
    const epochs = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>).filter((o) => o.event === 'epoch');
    expect(epochs.some((e) => typeof e.collapseWarning === 'string' && WARNING.test(e.collapseWarning))).toBe(true);
  }, 900_000); // generous: a real training on 2 shared cores (about 20 s alone)

  it('ascl show prints the warning of each warned epoch with its cause; ascl runs marks the run and points to ascl show', async () => {
    const show = await runCli(['show', runId, '--db', db]);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(new RegExp(`warning: epoch \\d: ${WARNING.source}`));
    const runs = await runCli(['runs', '--db', db]);
    expect(runs.code, runs.stderr).toBe(0);
    const [header, row] = runs.stdout.split('\n');
    expect(header).toMatch(/HEALTH$/);
    expect(row).toMatch(new RegExp(`^${runId} .*collapse\\? \\(epoch \\d\\)$`));
    expect(runs.stdout).toMatch(/1 run\(s\) may have collapsed .*see `ascl show RUN` for the usual cause/);
    const json = JSON.parse((await runCli(['runs', '--db', db, '--json'])).stdout) as Array<{ collapse: { epoch: number; warning: string } | null }>;
    expect(json[0].collapse?.warning).toMatch(WARNING);
  }, 120_000);

  it('ascl quickstart --epochs 0 and --epochs 51 are refused (exit 2) naming the value; nothing is stored', async () => {
    const count = async (): Promise<number> => (JSON.parse((await runCli(['runs', '--db', db, '--json'])).stdout) as unknown[]).length;
    const before = await count();
    for (const [n, message] of [['0', /--epochs/], ['51', /--epochs 51 is more than 50/]] as const) {
      const r = await runCli(['quickstart', '--db', db, '--epochs', n]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect(await count()).toBe(before);
  }, 120_000);

  it('ascl train --dry-run of a like run (same model, dataset, backend, batch, attack steps; limit 1000, 4 epochs): the history estimate, nothing stored', async () => {
    const r = await runCli(['train', '--db', db, '--dry-run', '--json', '--preset', 'table4/adv', '--dataset', 'mnist', '--model', 'small-cnn',
      '--epochs', '4', '--limit', '1000', '--backend', 'wasm'], { timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    const e = lastJson(r.stdout);
    expect(e).toMatchObject({ event: 'estimate', source: 'history', backend: 'wasm', epochs: 4 });
    expect(e.totalSeconds as number).toBeCloseTo((e.secondsPerEpoch as number) * 4, 9);
    expect(e.basis).toMatch(/over 2 epoch\(s\) of 1 earlier run\(s\)/);
    const runs = JSON.parse((await runCli(['runs', '--db', db, '--json'])).stdout) as unknown[];
    expect(runs).toHaveLength(1);
  }, 120_000);
});
