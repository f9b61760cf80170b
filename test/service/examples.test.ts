/**
 * The per-example channels on runs trained and evaluated by the real `ascl train` / `ascl eval`
 * (synthetic, small-cnn, 1 epoch, wasm): examples:list against the stored outcomes (and the
 * agreement of two runs against a brute-force loop), examples:images regenerating adversarial
 * examples that decide the stored outcome through the worker (batch size 16 stored by ascl eval),
 * and selection:images for a Figure 8 snapshot.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppService, type AppService } from '../../src-main/service/app-service.js';
import { decodePng } from '../../src-main/service/png.js';
import { loadDataset } from '../../src-main/engine/data/index.js';
import { lastJson, runCli } from '../cli/cli-helpers.js';
import { tempDir } from './helpers.js';

const dir = tempDir('ascl-examples-');
const db = path.join(dir, 'ascl.db');
const N = 48;
const EPS = 8 / 255;
let service: AppService;
const runs: string[] = [];
const evals: number[] = [];

const png = (url: string) => decodePng(Buffer.from(url.replace(/^data:image\/png;base64,/, ''), 'base64'));

beforeAll(async () => {
  for (const defense of ['ascl', 'nat']) {
    const t = await runCli(['train', '--db', db, '--json', '--dataset', 'synthetic', '--model', 'small-cnn', '--defense', defense, '--epochs', '1',
      '--limit', '64', '--batch-size', '32', '--eval-subset', '32', '--pgd-steps', '2', '--query-anchors', '2', '--backend', 'wasm']);
    expect(t.code, t.stderr).toBe(0);
    runs.push(String(lastJson(t.stdout).runId));
    const e = await runCli(['eval', '--db', db, '--run', runs.at(-1)!, '--attack', 'pgd', '--steps', '3', '--n', String(N), '--eps', '8/255',
      '--batch-size', '16', '--backend', 'wasm', '--json']);
    expect(e.code, e.stderr).toBe(0);
    evals.push(Number(lastJson(e.stdout).evaluationId));
  }
  service = await createAppService({ dbPath: db, workers: 1, backend: 'wasm', log: () => {} });
}, 300_000);
afterAll(async () => { await service?.close(); fs.rmSync(dir, { recursive: true, force: true }); });

describe(`per-example channels (synthetic small-cnn, PGD-3 eps 8/255 on ${N} images, batches of 16)`, () => {
  it('examples:list: outcomes, labels and predictions equal the stored arrays; A vs B agreement cells equal a brute-force loop over the stored outcomes', async () => {
    const [a, b] = evals.map((id) => service.store.evaluationExamples(id)!);
    expect(a.batchSize).toBe(16);
    const all = await service['examples:list']({ runId: runs[0], evaluationId: evals[0], filter: 'all', offset: 0, limit: 1000 });
    expect(all.n).toBe(N);
    all.items.forEach((it, i) => {
      expect(it.index).toBe(i);
      expect([it.label, it.cleanPred, it.advPred]).toEqual([a.labels![i], a.cleanPred![i], a.advPred![i]]);
      expect(it.outcome).toBe(a.outcomes![i] === 1 ? 'robust' : a.cleanCorrect![i] === 0 ? 'clean-wrong' : 'broken');
      if (it.outcome === 'robust') expect(it.advPred).toBe(it.label);
      if (it.outcome === 'broken') expect(it.advPred).not.toBe(it.label);
    });
    const vs = await service['examples:list']({ runId: runs[0], evaluationId: evals[0], vsRunId: runs[1], filter: 'robust-a-only', offset: 0, limit: 1000 });
    expect(vs.vs).toEqual({ runId: runs[1], evaluationId: evals[1] });
    const brute = { 'robust-a-only': 0, 'robust-b-only': 0, 'robust-both': 0, 'robust-neither': 0 };
    const aOnly: number[] = [];
    for (let i = 0; i < N; i++) {
      const ra = a.outcomes![i] === 1, rb = b.outcomes![i] === 1;
      brute[ra && rb ? 'robust-both' : ra ? 'robust-a-only' : rb ? 'robust-b-only' : 'robust-neither']++;
      if (ra && !rb) aOnly.push(i);
    }
    expect(vs.counts).toMatchObject(brute);
    expect(vs.items.map((x) => x.index)).toEqual(aOnly);
    vs.items.forEach((x) => { expect(x.outcome).toBe('robust'); expect(x.vsOutcome).not.toBe('robust'); });
    await expect(service['examples:list']({ runId: runs[0], evaluationId: evals[0], filter: 'robust-both', offset: 0, limit: 10 })).rejects.toThrow(/give vsRunId/);
  });

  it('examples:images: regenerated images of every outcome (from 3 batches) decide the stored outcome; broken ones are misclassified; PNGs are 32x32x3, within eps, perturbation 0.5 + delta / (2 eps)', async () => {
    const all = await service['examples:list']({ runId: runs[0], evaluationId: evals[0], filter: 'all', offset: 0, limit: 1000 });
    const pick = (o: string) => all.items.filter((x) => x.outcome === o).slice(0, 3).map((x) => x.index);
    const indices = [...new Set([...pick('robust'), ...pick('broken'), ...pick('clean-wrong'), 47])];
    expect(indices.length).toBeGreaterThan(4);
    const r = await service['examples:images']({ runId: runs[0], evaluationId: evals[0], indices });
    expect([r.batchSize, r.batchSizeStored, r.eps]).toEqual([16, true, EPS]);
    const data = await loadDataset('synthetic', { seed: service.store.getRun(runs[0])!.config.seed });
    expect(r.images.map((x) => x.index)).toEqual(indices);
    for (const img of r.images) {
      const stored = all.items[img.index];
      expect(img.matchesStored, `image ${img.index}`).toBe(true);
      expect([img.label, img.cleanPred, img.advPred]).toEqual([stored.label, stored.cleanPred, stored.advPred]);
      if (stored.outcome === 'broken') expect(img.advPred).not.toBe(img.label);
      if (stored.outcome === 'robust') expect(img.advPred).toBe(img.label);
      const [c, adv, pert] = [png(img.clean), png(img.adversarial), png(img.perturbation)];
      expect([c.height, c.width, c.channels]).toEqual([32, 32, 3]);
      const d = 32 * 32 * 3;
      c.bytes.forEach((v, k) => { if (v !== Math.round(data.test.images[img.index * d + k] * 255)) throw new Error(`clean byte ${k} of image ${img.index}`); });
      expect(img.linf).toBeLessThanOrEqual(EPS + 1e-6);
      // 8-bit images: each side rounds, so the shown delta is within eps + 1/255.
      c.bytes.forEach((v, k) => { if (Math.abs(adv.bytes[k] - v) > 255 * EPS + 1) throw new Error(`pixel ${k} of image ${img.index} moved by ${adv.bytes[k] - v}`); });
      if (stored.outcome === 'clean-wrong') expect(pert.bytes.every((v) => v === 128)).toBe(true);
    }
    await expect(service['examples:images']({ runId: runs[0], evaluationId: evals[0], indices: [N] })).rejects.toThrow(/outside the 48 evaluated images/);
  }, 120_000);

  it('selection:images: the Figure 8 anchor and its selected samples as training images with the run\'s PGD view (eps 8/255) on the snapshot\'s checkpoint', async () => {
    const snaps = await service['selection:snapshots']({ runId: runs[0] });
    expect(snaps.length).toBeGreaterThan(0);
    const s = snaps[0];
    const indices = [...new Set([s.anchorIndex, ...s.positives.slice(0, 4).map((p) => p.index), ...s.negatives.slice(0, 4).map((p) => p.index)])];
    const r = await service['selection:images']({ runId: runs[0], indices, epoch: s.epoch });
    expect([r.adversary, r.checkpointEpoch, r.eps]).toEqual(['pgd', s.epoch, EPS]);
    const data = await loadDataset('synthetic', { seed: service.store.getRun(runs[0])!.config.seed });
    expect(r.images.map((x) => [x.index, x.label])).toEqual(indices.map((i) => [i, data.train.labels[i]]));
    expect(r.images[0].label).toBe(s.anchorLabel);
    for (const img of r.images) {
      expect(img.linf).toBeGreaterThan(0);
      expect(img.linf).toBeLessThanOrEqual(EPS + 1e-6);
    }
    await expect(service['selection:images']({ runId: runs[0], indices: [64] })).rejects.toThrow(/not one of run .*'s 64 training images/);
  }, 120_000);
});
