/**
 * Two `ascl train` processes (real engine, wasm) on one store at the same time, with `ascl runs`
 * reading meanwhile: both complete, neither marks the other's live run interrupted, doctor passes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../service/helpers.js';
import { lastJson, runCli } from '../cli/cli-helpers.js';

const dir = tempDir('ascl-concurrent-');
const db = path.join(dir, 'ascl.db');
afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });

const train = (seed: number) => runCli(['train', '--db', db, '--json', '--dataset', 'synthetic', '--model', 'small-cnn', '--defense', 'nat',
  '--epochs', '3', '--limit', '64', '--batch-size', '32', '--eval-subset', '32', '--backend', 'wasm', '--seed', String(seed)], { timeoutMs: 200_000 });

describe('two CLI processes share one store', () => {
  it('2 concurrent trainings (3 epochs each) both complete while a third process lists runs; doctor passes', async () => {
    const both = Promise.all([train(1), train(2)]);
    const statuses: string[][] = [];
    let done = false;
    void both.finally(() => { done = true; });
    while (!done) {
      await new Promise((r) => setTimeout(r, 1500));
      if (!fs.existsSync(db)) continue;
      const l = await runCli(['runs', '--db', db, '--json']);
      expect(l.code, l.stderr).toBe(0);
      statuses.push((lastJson(l.stdout) as unknown as Array<{ status: string }>).map((r) => r.status));
    }
    const [a, b] = await both;
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(statuses.flat()).not.toContain('interrupted');
    const runs = lastJson((await runCli(['runs', '--db', db, '--json'])).stdout) as unknown as Array<{ status: string; epochs: Array<{ epoch: number }> }>;
    expect(runs.map((r) => [r.status, r.epochs.map((e) => e.epoch)])).toEqual([['completed', [1, 2, 3]], ['completed', [1, 2, 3]]]);
    const doc = await runCli(['doctor', '--db', db, '--json']);
    expect(doc.code, doc.stdout).toBe(0);
  }, 240_000);
});
