/**
 * A tiny study end to end through the real CLI (bin/ascl.js): synthetic data, 2 methods (ADV,
 * ADV-ASCL) x 2 seeds, 1 epoch, one attack (PGD-2 at eps 2/255 on 16 images). The first `ascl study run` is
 * killed (SIGKILL) once its first evaluation is stored, mid-study; the second finishes it; a third
 * finds everything done. No run or evaluation may exist twice, and the report's numbers must equal
 * those recomputed here from the store.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../../src-main/store/index.js';
import type { StudyReport, StudyStatus } from '../../src-main/shared/study-report.js';
import { lastJson, runCli, startCli } from '../cli/cli-helpers.js';
import { chromiumPath } from '../../src-main/cli/svg-png.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ascl-study-'));
const db = path.join(dir, 'ascl.db');
const file = path.join(dir, 'tiny.json');
afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });

fs.writeFileSync(file, JSON.stringify({
  name: 'tiny', description: 'two methods x two seeds, one epoch, synthetic data',
  runs: { presets: ['table4/adv', 'table4/adv-ascl'], seeds: [0, 1],
    overrides: { dataset: 'synthetic', model: 'small-cnn', epochs: 1, limit: 192, batchSize: 16, evalSubset: 16, pgdSteps: 1, queryAnchors: 0, backend: 'wasm' } },
  evaluation: { attacks: [{ attack: 'pgd', steps: 2 }], eps: '2/255', n: 16, seed: 0, rdivEps: { eps: [0, '2/255'], steps: 2, n: 16 } },
  report: { differences: [{ of: 'ADV-ASCL', minus: 'ADV' }] },
}));

const RUN = ['study', 'run', file, '--db', db, '--json', '--backend', 'wasm'];

function storeCounts(): { runs: number; evals: number; perRun: number[]; rdivEps: number } {
  const s = new Store(db, { readonly: true });
  try {
    const runs = s.listRuns();
    const perRun = runs.map((r) => s.evaluations(r.id).length);
    return { runs: runs.length, evals: perRun.reduce((a, b) => a + b, 0), perRun, rdivEps: runs.filter((r) => s.rdiv(r.id).eps.length === 2).length };
  } finally { s.close(); }
}

const sampleStd = (xs: number[]): number => { const m = xs.reduce((a, b) => a + b, 0) / xs.length; return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1)); };

describe('tiny study: 2 methods x 2 seeds, 1 epoch, PGD-2 at eps 2/255 on 16 synthetic images', () => {
  it('killed after its first evaluation, resumed, then found complete: 4 runs and 4 evaluations, none twice; the report equals the store', async () => {
    // 1. Killed mid-study: once the first evaluation is stored (the other runs are queued or training).
    let killed = false;
    const first = startCli(RUN, (line) => {
      if (!killed && line.event === 'eval' && line.action === 'done') { killed = true; first.child.kill('SIGKILL'); }
    });
    const r1 = await first.exited;
    expect(r1.signal, `the first launch should have been killed; stdout: ${r1.stdout}; stderr: ${r1.stderr}`).toBe('SIGKILL');
    const mid = storeCounts();
    expect(mid.runs).toBeGreaterThanOrEqual(1);
    expect(mid.runs).toBeLessThanOrEqual(4);
    expect(mid.evals).toBe(1);

    // 2. Resumed: what is stored is skipped, the rest made.
    const r2 = await runCli(RUN, { timeoutMs: 600_000 });
    expect(r2.code, r2.stderr).toBe(0);
    const events = r2.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events[0]).toMatchObject({ event: 'plan', runs: 4, evaluations: 4, evaluationsDone: 1 });
    expect(events.filter((e) => e.event === 'run' && e.action === 'start')).toHaveLength(4 - mid.runs);
    expect(events.filter((e) => e.event === 'eval' && e.action === 'done')).toHaveLength(3);
    expect(events.filter((e) => e.event === 'analysis' && e.action === 'done')).toHaveLength(4 - mid.rdivEps);
    expect(lastJson(r2.stdout)).toMatchObject({ event: 'end', ok: true, failed: [] });
    expect(storeCounts()).toEqual({ runs: 4, evals: 4, perRun: [1, 1, 1, 1], rdivEps: 4 });

    // 3. Complete: nothing to make.
    const r3 = await runCli(RUN, { timeoutMs: 120_000 });
    expect(r3.code, r3.stderr).toBe(0);
    expect(r3.stdout).not.toMatch(/"action":"start"/);
    expect(JSON.parse(r3.stdout.split('\n')[0])).toMatchObject({ event: 'plan', runsDone: 4, evaluationsDone: 4 });
    expect(storeCounts().evals).toBe(4);

    const st = await runCli(['study', 'status', 'tiny', '--db', db, '--json']);
    expect(st.code, st.stderr).toBe(0);
    const status = lastJson(st.stdout) as unknown as StudyStatus;
    expect(status.progress).toMatchObject({ runsTotal: 4, runsDone: 4, evalsTotal: 4, evalsDone: 4, fraction: 1, etaSeconds: 0 });
    expect(status.runs.map((r) => r.status)).toEqual(['completed', 'completed', 'completed', 'completed']);

    // 4. The report against the store.
    const out = path.join(dir, 'report');
    const chromium = chromiumPath();
    const rep = await runCli(['study', 'report', 'tiny', '--db', db, '--out', out, '--json', ...(chromium ? ['--png'] : [])]);
    expect(rep.code, rep.stderr).toBe(0);
    const report = JSON.parse(rep.stdout.split('\n')[0]) as StudyReport;
    for (const f of ['report.md', 'report.csv', 'table.svg', 'selection.svg', 'eps.svg']) expect(fs.existsSync(path.join(out, f)), f).toBe(true);
    // PNG copies where a Chromium is installed: the PNG signature.
    if (chromium) expect(fs.readFileSync(path.join(out, 'table.png')).subarray(1, 4).toString('latin1')).toBe('PNG');
    const s = new Store(db, { readonly: true });
    try {
      const byGroup = new Map<string, Array<{ seed: number; pgd: number; nat: number; rdiv: number[] }>>();
      for (const r of s.listRuns()) {
        const e = s.evaluations(r.id)[0];
        const label = r.config.defense === 'adv' ? 'ADV' : 'ADV-ASCL';
        const rdiv = s.rdiv(r.id).eps.sort((a, b) => a.eps - b.eps).map((x) => x.rdiv);
        byGroup.set(label, [...(byGroup.get(label) ?? []), { seed: r.config.seed, pgd: e.robustAccuracy, nat: e.cleanAccuracy, rdiv }]);
      }
      // The comparisons below mean something only if the runs differ.
      const all = [...byGroup.values()].flat();
      expect(new Set(all.map((a) => a.nat)).size, JSON.stringify(all)).toBeGreaterThan(1);
      expect(report.columns).toEqual(['nat', 'pgd']);
      expect(report.rows.map((r) => r.group)).toEqual(['ADV', 'ADV-ASCL']);
      for (const row of report.rows) {
        const want = byGroup.get(row.group)!.sort((a, b) => a.seed - b.seed);
        const pgd = want.map((w) => w.pgd);
        const cell = row.cells.pgd!;
        expect(cell.k).toBe(2);
        expect(cell.mean).toBeCloseTo((pgd[0] + pgd[1]) / 2, 12);
        expect(cell.std).toBeCloseTo(sampleStd(pgd), 12);
        // 95% interval with 1 df: t = tan(0.475 pi) = 12.7062.
        expect(cell.halfWidth!).toBeCloseTo(Math.tan(0.475 * Math.PI) * sampleStd(pgd) / Math.sqrt(2), 8);
        expect(cell.seOfMean).toBeCloseTo(Math.sqrt(pgd.reduce((a, p) => a + p * (1 - p) / 16, 0)) / 2, 12);
        expect(row.cells.nat!.mean).toBeCloseTo((want[0].nat + want[1].nat) / 2, 12);
      }
      const adv = byGroup.get('ADV')!.sort((a, b) => a.seed - b.seed); const ascl = byGroup.get('ADV-ASCL')!.sort((a, b) => a.seed - b.seed);
      const d = report.differences[0].columns.pgd!;
      expect(d.seeds).toEqual([0, 1]);
      d.diffs.forEach((v, i) => expect(v).toBeCloseTo(ascl[i].pgd - adv[i].pgd, 12));
      expect(report.selection.map((x) => x.group)).toEqual(['ADV-ASCL']);
      // Figure 4: the seeds' mean R-DIV at each eps of the grid.
      for (const curve of report.epsCurves) {
        const want = byGroup.get(curve.group)!;
        expect(curve.eps).toEqual([0, 2 / 255]);
        curve.rdiv.forEach((v, i) => expect(v).toBeCloseTo((want[0].rdiv[i] + want[1].rdiv[i]) / 2, 12));
      }
      expect(report.epsCurves.map((c) => c.group)).toEqual(['ADV', 'ADV-ASCL']);
      expect(report.compute.trainSeconds).toBeGreaterThan(0);
      expect(report.missing).toEqual([]);
      const md = fs.readFileSync(path.join(out, 'report.md'), 'utf8');
      const f = (c: { mean: number; std: number }): string => `${(c.mean * 100).toFixed(2)} ± ${(c.std * 100).toFixed(2)}`;
      for (const row of report.rows) expect(md).toContain(`| ${row.group} | ${f(row.cells.nat!)} | ${f(row.cells.pgd!)} | 2 |`);
    } finally { s.close(); }
  }, 900_000);

  it('--broker redis://127.0.0.1:1 (nothing listening) and an unknown key of the study file: exit code 2 naming the problem', async () => {
    const b = await runCli(['study', 'run', file, '--db', db, '--broker', 'redis://127.0.0.1:1']);
    expect(b.code, b.stderr).toBe(2);
    expect(b.stderr).toMatch(/no Redis at 127\.0\.0\.1:1/);
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, JSON.stringify({ name: 'bad', runs: { presets: ['table4/adv'], seeds: [0] }, evaluation: { attacks: [{ attack: 'pgd' }] }, colour: 'red' }));
    const u = await runCli(['study', 'run', bad, '--db', db]);
    expect(u.code).toBe(2);
    expect(u.stderr).toMatch(/colour/);
  });
});
