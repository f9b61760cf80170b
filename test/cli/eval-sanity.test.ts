/**
 * Sanity flags and the per-iteration record end to end (real engine, wasm): a tiny model trained by
 * `ascl train` (synthetic, small-cnn, ADV, 2 epochs of 256 images), evaluated by `ascl eval` with
 * PGD-1 and PGD-20 (eps 8/255, step 2/255, the first 64 test images). PGD-1 stops far from
 * convergence, so it carries the still-falling flag twice (its only interval falls from the clean
 * accuracy, and PGD-20 reaches lower); PGD-20's record starts with PGD-1's figure (the same seed makes
 * PGD-1 the first iteration of PGD-20), ends at its robust accuracy, and agrees with the per-image
 * breaking iterations of `ascl export --examples`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../service/helpers.js';
import { lastJson, runCli } from './cli-helpers.js';
import type { IterationPoint, SanityFlag } from '../../src-main/shared/rows.js';

const dir = tempDir('ascl-eval-sanity-');
const db = path.join(dir, 'ascl.db');
let runId = '';
afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });

beforeAll(async () => {
  const r = await runCli(['train', '--db', db, '--json', '--dataset', 'synthetic', '--model', 'small-cnn', '--defense', 'adv', '--epochs', '2',
    '--limit', '256', '--batch-size', '64', '--eval-subset', '32', '--pgd-steps', '2', '--backend', 'wasm']);
  expect(r.code, r.stderr).toBe(0);
  runId = String(lastJson(r.stdout).runId);
}, 240_000);

interface EvalJson { evaluationId: number; robustAccuracy: number; cleanAccuracy: number; n: number; iterations: IterationPoint[] | null; flags: SanityFlag[] }
const evalPgd = async (steps: number): Promise<EvalJson> => {
  const r = await runCli(['eval', '--db', db, '--run', runId, '--attack', 'pgd', '--steps', String(steps), '--n', '64', '--backend', 'wasm', '--json']);
  expect(r.code, r.stderr).toBe(0);
  return lastJson(r.stdout) as unknown as EvalJson;
};

describe('ascl eval PGD-1 vs PGD-20 on a tiny trained model (synthetic small-cnn ADV 2 epochs, 64 images)', () => {
  it('PGD-1 raises still-falling (own record and against PGD-20) in eval --json and show --json; the records and the examples CSV agree', async () => {
    const one = await evalPgd(1);
    expect(one.iterations!.map((p) => p.iteration)).toEqual([1]);
    expect(one.iterations![0].robustAccuracy).toBe(one.robustAccuracy);
    const twenty = await evalPgd(20);
    const pts = twenty.iterations!;
    expect(pts.map((p) => p.iteration)).toEqual([1, 2, 5, 10, 20]);
    expect(pts[0].robustAccuracy).toBe(one.robustAccuracy);
    expect(pts.at(-1)!.robustAccuracy).toBe(twenty.robustAccuracy);
    // The model is not broken by one step but is by twenty: the case the flag is for.
    expect(one.robustAccuracy - twenty.robustAccuracy).toBeGreaterThanOrEqual(0.05);
    if (one.cleanAccuracy - one.robustAccuracy >= 0.01) expect(one.flags.map((f) => f.kind)).toContain('still-falling');

    const show = await runCli(['show', runId, '--db', db, '--json']);
    expect(show.code, show.stderr).toBe(0);
    const evals = (lastJson(show.stdout) as { evaluations: Array<{ id: number; flags: SanityFlag[]; iterations: IterationPoint[] | null }> }).evaluations;
    const storedOne = evals.find((e) => e.id === one.evaluationId)!;
    const against = storedOne.flags.filter((f) => f.kind === 'still-falling' && f.relatedIds.includes(twenty.evaluationId));
    expect(against.length).toBe(1);
    expect(against[0].reason).toContain(`pgd-20 (evaluation ${twenty.evaluationId}) leaves ${(twenty.robustAccuracy * 100).toFixed(2)}% robust`);
    expect(against[0].reference).toMatch(/Carlini et al\. 2019/);
    // PGD-20 is never flagged for being below PGD-1; its own record flags it only if its last interval fell by >= 1 %.
    const storedTwenty = evals.find((e) => e.id === twenty.evaluationId)!;
    expect(storedTwenty.flags.some((f) => f.relatedIds.includes(one.evaluationId))).toBe(false);
    expect(storedTwenty.flags.some((f) => f.kind === 'still-falling')).toBe(pts[3].robustAccuracy - pts[4].robustAccuracy >= 0.01 - 1e-12);
    expect(storedTwenty.iterations).toEqual(pts);

    const csvFile = path.join(dir, 'examples.csv');
    const ex = await runCli(['export', runId, '--db', db, '--examples', csvFile]);
    expect(ex.code, ex.stderr).toBe(0);
    const rows = fs.readFileSync(csvFile, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')).filter((c) => Number(c[1]) === twenty.evaluationId);
    expect(rows.length).toBe(64);
    const breaking = rows.map((c) => (c[10] === '' ? null : Number(c[10])));
    // Robust at the end <=> no breaking iteration; clean-misclassified <=> 0; otherwise a checkpoint of the record.
    rows.forEach((c, i) => {
      expect(breaking[i] === null, `image ${i}`).toBe(c[8] === '1');
      if (c[7] === '0') expect(breaking[i]).toBe(0);
      else if (breaking[i] !== null) expect([1, 2, 5, 10, 20]).toContain(breaking[i]);
    });
    // At the last checkpoint every image with a breaking iteration is broken: the count matches the curve's end.
    expect(breaking.filter((b) => b !== null).length).toBe(Math.round((1 - twenty.robustAccuracy) * 64));
  }, 240_000);
});
