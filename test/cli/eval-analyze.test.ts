/**
 * `ascl eval` and `ascl analyze` end to end (real engine, wasm backend): on a run trained by
 * `ascl train`, and on the reference LayersModel in test/fixtures/reference-model, whose clean
 * and FGSM accuracies on the first 1000 CIFAR-10 test images were measured in PyTorch.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../src-main/store/index.js';
import { tempDir } from '../service/helpers.js';
import { ROOT, lastJson, runCli } from './cli-helpers.js';
import { CIFAR10_SUBSET_DIR, REFERENCE_MODEL_DIR } from '../fixtures/paths.js';

const dir = tempDir('ascl-eval-');
const db = path.join(dir, 'ascl.db');
let runId = '';
afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });

beforeAll(async () => {
  const r = await runCli(['train', '--db', db, '--json', '--dataset', 'synthetic', '--model', 'small-cnn', '--defense', 'nat', '--epochs', '1',
    '--limit', '64', '--batch-size', '32', '--eval-subset', '32', '--pgd-steps', '2', '--backend', 'wasm', '--data-dir', 'relative/data-folder']);
  expect(r.code, r.stderr).toBe(0);
  runId = String(lastJson(r.stdout).runId);
}, 180_000);

describe('ascl eval / analyze on a run trained by ascl train (synthetic, small-cnn, 1 epoch)', () => {
  it('a relative --data-dir is stored absolute (resolved against the working directory), so the run works from anywhere', async () => {
    const show = lastJson((await runCli(['show', runId, '--db', db, '--json'])).stdout) as { config: { dataDir: string } };
    expect(show.config.dataDir).toBe(path.join(ROOT, 'relative', 'data-folder'));
  });

  it('eval --run RUN --attack pgd --eps 8/255 --n 32 --steps 3 --json: the last line is the result with standard errors and the resolved protocol (step 2/255), stored with the run', async () => {
    const r = await runCli(['eval', '--db', db, '--run', runId, '--attack', 'pgd', '--eps', '8/255', '--n', '32', '--steps', '3', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const res = lastJson(r.stdout) as { attack: string; eps: number; n: number; testSetSize: number; cleanAccuracy: number; robustAccuracy: number; seconds: number; evaluationId: number;
      cleanAccuracyStdErr: number; robustAccuracyStdErr: number; stepSize: number; protocol: { n: number; testSetSize: number; stepSize: number; steps: number; restarts: number } };
    expect(res).toMatchObject({ attack: 'pgd', n: 32, runId, checkpointEpoch: 1, stepSize: 2 / 255 });
    expect(res.testSetSize).toBeGreaterThan(32);
    expect(res.protocol).toMatchObject({ n: 32, testSetSize: res.testSetSize, stepSize: 2 / 255, steps: 3, restarts: 1 });
    expect(res.robustAccuracyStdErr).toBeCloseTo(Math.sqrt(res.robustAccuracy * (1 - res.robustAccuracy) / 32), 12);
    expect(res.cleanAccuracyStdErr).toBeCloseTo(Math.sqrt(res.cleanAccuracy * (1 - res.cleanAccuracy) / 32), 12);
    expect(res.eps).toBeCloseTo(8 / 255, 12);
    expect(res.robustAccuracy).toBeLessThanOrEqual(res.cleanAccuracy);
    expect(res.cleanAccuracy).toBeGreaterThanOrEqual(0);
    expect(res.seconds).toBeGreaterThan(0);
    const show = lastJson((await runCli(['show', runId, '--db', db, '--json'])).stdout) as { evaluations: Array<{ id: number; attack: string; robustAccuracy: number }> };
    expect(show.evaluations).toEqual([expect.objectContaining({ id: res.evaluationId, attack: 'pgd', robustAccuracy: res.robustAccuracy,
      robustStdErr: res.robustAccuracyStdErr, stepSize: 2 / 255, protocol: res.protocol })]);
    const text = (await runCli(['show', runId, '--db', db])).stdout;
    expect(text).toContain('PGD-2 (monitoring, 32 images)');
    expect(text).toContain(`n 32 (subset of ${res.testSetSize})`);
    const s = new Store(db);
    try {
      const outcomes = s.evaluationOutcomes(res.evaluationId)!;
      expect(outcomes.length).toBe(32);
      expect(outcomes.reduce((a, b) => a + b, 0) / 32).toBeCloseTo(res.robustAccuracy, 12);
    } finally { s.close(); }
  }, 120_000);

  it('analyze --eps-sweep 0,8/255 --tsne (40 benign + 8 adversarial) stores R-DIV over eps and 48 t-SNE points; R-DIV per epoch came from training', async () => {
    const r = await runCli(['analyze', '--db', db, '--run', runId, '--eps-sweep', '0,8/255', '--tsne', '--tsne-benign', '40', '--tsne-adversarial', '8',
      '--n', '32', '--steps', '2', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const res = lastJson(r.stdout) as { rdivEps: Array<{ eps: number; rdiv: number }>; tsnePoints: number; pgd: { steps: number; stepSize: number } };
    expect(res.rdivEps.map((p) => p.eps)).toEqual([0, 8 / 255]);
    // --steps overrides the steps only: the step is the dataset's evaluation step, not the run's training one.
    expect(res.pgd).toEqual({ eps: 8 / 255, stepSize: 2 / 255, steps: 2 });
    expect(res.tsnePoints).toBe(48);
    const s = new Store(db);
    try {
      const rd = s.rdiv(runId);
      expect(rd.eps.length).toBe(2);
      expect(rd.eps.every((p) => Number.isFinite(p.rdiv) && p.dMinus > 0 && Math.abs(p.rdiv - p.dPlus / p.dMinus) < 1e-9)).toBe(true);
      expect(rd.epochs.map((p) => p.epoch)).toEqual([1]);
      const pts = s.tsne(runId);
      expect(pts.filter((p) => p.adversarial).length).toBe(8);
      expect(pts.every((p) => Number.isFinite(p.x) && Number.isFinite(p.y) && p.entropy >= 0)).toBe(true);
    } finally { s.close(); }
  }, 120_000);
});

const REF = REFERENCE_MODEL_DIR;
const CIFAR = CIFAR10_SUBSET_DIR;

describe('ascl eval --model on the reference LayersModel (first 1000 CIFAR-10 test images)', () => {
  it('FGSM eps 8/255: clean accuracy 0.527 and FGSM accuracy 0.242 as measured in PyTorch (within 0.2 and 1.5 pp)', async () => {
    const ref = JSON.parse(fs.readFileSync(path.join(REF, 'reference_results.json'), 'utf8')) as { clean_accuracy_1000: number; fgsm_accuracy_1000: number };
    const r = await runCli(['eval', '--db', db, '--model', path.join(REF, 'model.json'), '--dataset', 'cifar10', '--data-dir', CIFAR,
      '--attack', 'fgsm', '--eps', '8/255', '--n', '1000', '--batch-size', '250', '--backend', 'wasm', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const res = lastJson(r.stdout) as { attack: string; n: number; cleanAccuracy: number; robustAccuracy: number; evaluationId: number | null };
    expect(res).toMatchObject({ attack: 'fgsm', n: 1000, evaluationId: null });
    expect(Math.abs(res.cleanAccuracy - ref.clean_accuracy_1000)).toBeLessThanOrEqual(0.002);
    expect(Math.abs(res.robustAccuracy - ref.fgsm_accuracy_1000)).toBeLessThanOrEqual(0.015);
  }, 180_000);
});
