/**
 * Ctrl-C in `ascl study run`: the runs are cancelled and no further evaluation starts; the process
 * exits 130 without waiting for an evaluation in flight (an AutoAttack can take many minutes), and
 * the next call makes what is missing. Before this, the evaluations already chained for finished
 * runs went on after the signal, one after another.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../../src-main/store/index.js';
import { lastJson, runCli, startCli } from '../cli/cli-helpers.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ascl-study-int-'));
const db = path.join(dir, 'ascl.db');
const file = path.join(dir, 'tiny.json');
afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });

// Two runs trained at once, then three evaluations each, chained one at a time: plenty still to start at the signal.
fs.writeFileSync(file, JSON.stringify({
  name: 'tiny-int', description: 'one method x two seeds, one epoch, synthetic data, three attacks',
  runs: { presets: ['table4/adv'], seeds: [0, 1],
    overrides: { dataset: 'synthetic', model: 'small-cnn', epochs: 1, limit: 64, batchSize: 16, evalSubset: 16, pgdSteps: 1, backend: 'wasm' } },
  evaluation: { attacks: [{ attack: 'pgd', steps: 40 }, { attack: 'fgsm' }, { attack: 'pgd', steps: 3 }], eps: '2/255', n: 64, seed: 0 },
  report: {},
}));

const RUN = ['study', 'run', file, '--db', db, '--json', '--backend', 'wasm', '--workers', '2'];

function storedEvaluations(): number {
  const s = new Store(db, { readonly: true });
  try { return s.listRuns().reduce((a, r) => a + s.evaluations(r.id).length, 0); } finally { s.close(); }
}

describe('ascl study run: SIGINT at the first evaluation of 1 method x 2 seeds x 3 attacks (synthetic, --workers 2)', () => {
  it('exits 130, starts no evaluation after the signal, and the next call completes the 6 evaluations, none twice', async () => {
    let signalled = false;
    let startsAfterSignal = 0;
    const first = startCli(RUN, (line) => {
      if (line.event !== 'eval' || line.action !== 'start') return;
      if (signalled) { startsAfterSignal++; return; }
      signalled = true;
      first.child.kill('SIGINT');
    });
    const r1 = await first.exited;
    expect(signalled, `no evaluation started; stdout: ${r1.stdout}; stderr: ${r1.stderr}`).toBe(true);
    expect(r1.code, r1.stderr).toBe(130);
    expect(r1.stderr).toMatch(/stopping; the runs in progress are cancelled/);
    expect(startsAfterSignal, r1.stdout).toBe(0);
    const mid = storedEvaluations();
    expect(mid).toBeLessThanOrEqual(1);

    const r2 = await runCli(RUN, { timeoutMs: 600_000 });
    expect(r2.code, r2.stderr).toBe(0);
    expect(lastJson(r2.stdout)).toMatchObject({ event: 'end', ok: true, failed: [] });
    const events = r2.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.filter((e) => e.event === 'eval' && e.action === 'done')).toHaveLength(6 - mid);
    expect(storedEvaluations()).toBe(6);
  }, 900_000);
});
