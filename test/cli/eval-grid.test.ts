/**
 * `ascl eval --eps-grid` end to end (real engine, wasm): one job on a run trained by `ascl train`
 * (synthetic, small-cnn, 1 epoch), one stored evaluation per grid value sharing the grid id, the
 * last JSON line's `grid`; bad grid values are usage errors naming the value.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../src-main/store/index.js';
import { tempDir } from '../service/helpers.js';
import { lastJson, runCli } from './cli-helpers.js';

const dir = tempDir('ascl-eval-grid-');
const db = path.join(dir, 'ascl.db');
let runId = '';
afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });

beforeAll(async () => {
  const r = await runCli(['train', '--db', db, '--json', '--dataset', 'synthetic', '--model', 'small-cnn', '--defense', 'nat', '--epochs', '1',
    '--limit', '64', '--batch-size', '32', '--eval-subset', '32', '--pgd-steps', '2', '--backend', 'wasm']);
  expect(r.code, r.stderr).toBe(0);
  runId = String(lastJson(r.stdout).runId);
}, 180_000);

const GRID = '0,1/255,2/255,4/255,8/255,12/255,16/255';
const VALUES = [0, 1, 2, 4, 8, 12, 16].map((k) => k / 255);

describe('ascl eval --eps-grid (synthetic small-cnn, 1 epoch, 48 images)', () => {
  it(`--attack pgd --steps 3 --eps-grid ${GRID} --json: the last line's grid has one { eps, robustAccuracy, robustStdErr } per value in order, non-increasing (cumulative rule), each stored as an evaluation sharing the grid id`, async () => {
    const r = await runCli(['eval', '--db', db, '--run', runId, '--attack', 'pgd', '--steps', '3', '--n', '48', '--eps-grid', GRID, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const res = lastJson(r.stdout) as { rule: string; gridId: string; cleanAccuracy: number; n: number;
      grid: Array<{ eps: number; robustAccuracy: number; robustStdErr: number; evaluationId: number }> };
    expect(res.rule).toBe('cumulative');
    expect(res.n).toBe(48);
    expect(res.grid.map((g) => g.eps)).toEqual(VALUES);
    expect(res.grid[0].robustAccuracy).toBe(res.cleanAccuracy);
    for (let j = 1; j < res.grid.length; j++) expect(res.grid[j].robustAccuracy).toBeLessThanOrEqual(res.grid[j - 1].robustAccuracy);
    for (const g of res.grid) expect(g.robustStdErr).toBeCloseTo(Math.sqrt(g.robustAccuracy * (1 - g.robustAccuracy) / 48), 12);
    const s = new Store(db);
    try {
      const rows = s.evaluations(runId);
      expect(rows.map((e) => e.id)).toEqual(res.grid.map((g) => g.evaluationId));
      rows.forEach((e, j) => {
        expect(e).toMatchObject({ attack: 'pgd', n: 48, eps: VALUES[j], robustAccuracy: res.grid[j].robustAccuracy, cleanAccuracy: res.cleanAccuracy });
        expect(e.protocol?.grid).toEqual({ id: res.gridId, eps: VALUES, index: j, rule: 'cumulative' });
        const outcomes = s.evaluationOutcomes(e.id)!;
        expect(outcomes.reduce((a, b) => a + b, 0) / 48).toBeCloseTo(res.grid[j].robustAccuracy, 12);
        // Cumulative: an image broken at a smaller eps stays broken.
        if (j > 0) { const prev = s.evaluationOutcomes(rows[j - 1].id)!; outcomes.forEach((o, i) => { if (prev[i] === 0) expect(o).toBe(0); }); }
      });
    } finally { s.close(); }
  }, 120_000);

  it('export RUN --examples FILE.csv: one row per (evaluation, image) equal to the stored outcomes, clean correctness and labels; smallestBreakingEps equals a brute-force scan of the per-eps outcomes', async () => {
    const file = path.join(dir, 'examples.csv');
    const r = await runCli(['export', runId, '--db', db, '--examples', file]);
    expect(r.code, r.stderr).toBe(0);
    const [header, ...lines] = fs.readFileSync(file, 'utf8').trim().split('\n');
    expect(header).toBe('runId,evalId,attack,eps,gridId,index,label,cleanCorrect,robust,smallestBreakingEps,breakingIteration');
    const s = new Store(db);
    try {
      const rows = s.evaluations(runId);
      expect(lines.length).toBe(rows.reduce((a, e) => a + e.n, 0));
      const perEps = rows.map((e) => s.evaluationOutcomes(e.id)!);
      let k = 0;
      rows.forEach((e, j) => {
        const x = s.evaluationExamples(e.id)!;
        for (let i = 0; i < e.n; i++, k++) {
          const c = lines[k].split(',');
          expect(c.slice(0, 6)).toEqual([runId, String(e.id), 'pgd', String(e.eps), e.protocol!.grid!.id, String(i)]);
          expect(Number(c[6])).toBe(x.labels![i]);
          expect(Number(c[7])).toBe(x.cleanCorrect![i]);
          expect(Number(c[8])).toBe(perEps[j][i]);
          // Brute force: the first grid value whose stored outcome for image i is 0.
          let first: number | null = null;
          for (let t = 0; t < perEps.length; t++) if (perEps[t][i] === 0) { first = VALUES[t]; break; }
          expect(c[9] === '' ? null : Number(c[9]), `image ${i}`).toBe(first);
        }
        // eps 0 is no attack: robust there is clean-correct.
        if (j === 0) expect(Array.from(perEps[0])).toEqual(Array.from(x.cleanCorrect!));
      });
    } finally { s.close(); }
  }, 60_000);

  it.each([
    ['0x10', /--eps-grid value "0x10" is not a number/],
    ['0,-1/255', /--eps-grid value "-1\/255" .*must be in \[0, 1\]/],
    ['0,1.5', /--eps-grid value "1.5" .*must be in \[0, 1\]/],
    ['', /--eps-grid is empty/],
    ['0,,8/255', /--eps-grid value "" is not a number/],
  ])('--eps-grid %j is refused with exit 2 naming the value', async (value, message) => {
    const r = await runCli(['eval', '--db', db, '--run', runId, '--attack', 'pgd', '--eps-grid', value]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  }, 60_000);
});
