/**
 * runs:estimate (service/estimate.ts, features/estimate.ts). From history: crafted completed runs
 * in a real store (mnist, small-cnn, wasm, batch 128, PGD-10) whose epoch seconds give per-sample
 * times 8, 10, 12, 14, 16 ms; runs that must not count (another batch size, another backend, a
 * failed run, a nat run without attack steps) carry times that would move the median. From a
 * calibration: the real engine on a tiny configuration (synthetic, small-cnn, batch 8, wasm). Bad
 * configurations are refused naming the field or the data folder.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppService, type AppService } from '../../src-main/service/app-service.js';
import { ApiError } from '../../src-main/api/dispatch.js';
import { parseRunConfig, type RunConfigInput } from '../../src-main/shared/run-config.js';
import { Store } from '../../src-main/store/store.js';
import { calibrationEstimate, quantile, TRAIN_SET_SIZE, CALIBRATION_MIN_UNCERTAINTY } from '../../src-main/service/estimate.js';
import { loadDataset } from '../../src-main/engine/data/index.js';
import { FAKE_ENGINE, tempDir } from './helpers.js';

const BASE = { dataset: 'mnist', model: 'small-cnn', batchSize: 128, pgdSteps: 10, defense: 'adv', backend: 'auto' } as const;
const owner = { pid: 4242, host: 'test-host' };

function storedRun(store: Store, config: RunConfigInput, status: 'completed' | 'failed', backend: string, seconds: number[]): string {
  const c = parseRunConfig(config);
  const r = store.createRun({ name: 'crafted', group: null, config: c, seed: 0, epochsTotal: seconds.length, owner });
  store.startRun(r.id, owner);
  store.setBackend(r.id, backend);
  seconds.forEach((s, i) => store.appendMetrics(r.id, [], { epoch: i + 1, natAccuracy: 0.5, pgdAccuracy: 0.2, trainAccuracy: 0.5, learningRate: 1e-3, seconds: s, terms: { loss: 1 } }));
  store.finishRun(r.id, status, owner, status === 'failed' ? 'crafted failure' : null);
  return r.id;
}

let dir: string;
let service: AppService;
beforeAll(async () => {
  dir = tempDir('ascl-estimate-');
  const file = path.join(dir, 'ascl.db');
  const store = new Store(file);
  storedRun(store, { ...BASE, limit: 1000 }, 'completed', 'wasm', [10, 12, 14]); // 10, 12, 14 ms per sample
  storedRun(store, { ...BASE, limit: 500, defense: 'ascl', selection: 'leaked' }, 'completed', 'wasm', [4, 8]); // 8, 16 ms: ascl has the same 10 attack steps
  storedRun(store, { ...BASE, limit: 1000, batchSize: 64 }, 'completed', 'wasm', [100, 100, 100]); // another batch size
  storedRun(store, { ...BASE, limit: 1000 }, 'completed', 'cpu', [90, 90, 90]); // another backend
  storedRun(store, { ...BASE, limit: 1000 }, 'failed', 'wasm', [80, 80, 80]); // not completed
  storedRun(store, { ...BASE, limit: 1000, defense: 'nat' }, 'completed', 'wasm', [70, 70, 70]); // nat: 0 attack steps
  store.close();
  service = await createAppService({ dbPath: file, workers: 1, backend: 'wasm', engineModules: FAKE_ENGINE, log: () => {} });
});
afterAll(async () => { await service?.close(); });

describe('runs:estimate from history', () => {
  it('mnist small-cnn wasm batch 128 PGD-10, limit 2000, 5 epochs: median 12 ms/sample x 2000 = 24 s per epoch, 120 s in total, u = (14 - 10) / (2 x 12)', async () => {
    const e = await service['runs:estimate']({ config: { ...BASE, limit: 2000, epochs: 5 } });
    const perSample = [0.008, 0.010, 0.012, 0.014, 0.016];
    const m = perSample[2];
    expect(e.source).toBe('history');
    expect(e.backend).toBe('wasm');
    expect(e.secondsPerEpoch).toBeCloseTo(m * 2000, 9);
    expect(e.totalSeconds).toBeCloseTo(m * 2000 * 5, 9);
    expect(e.uncertainty).toBeCloseTo((perSample[3] - perSample[1]) / (2 * m), 9);
    expect(e.basis).toMatch(/over 5 epoch\(s\) of 2 earlier run\(s\)/);
  });

  it('no limit: the full MNIST training split (7996 digits) times the same median', async () => {
    const e = await service['runs:estimate']({ config: { ...BASE, limit: null, epochs: 1 } });
    expect(e.secondsPerEpoch).toBeCloseTo(0.012 * 7996, 9);
  });

  it('the full training-set sizes used for runs without a limit are those the loaders give (mnist 7996, synthetic 2000)', async () => {
    expect((await loadDataset('mnist', {})).train.count).toBe(TRAIN_SET_SIZE.mnist);
    expect((await loadDataset('synthetic', {})).train.count).toBe(TRAIN_SET_SIZE.synthetic);
  });

  it('quantile is type 7: [1, 2, 3, 4] gives q25 1.75, q50 2.5, q75 3.25', () => {
    expect([0.25, 0.5, 0.75].map((q) => quantile([1, 2, 3, 4], q))).toEqual([1.75, 2.5, 3.25]);
  });
});

describe('runs:estimate from a calibration', () => {
  it('closed form: 3 timed steps 0.2, 0.3, 0.4 s; 1000 samples, batch 128 (8 steps); monitoring 1 s on 128 of 500 images: 8 x 0.3 + 500/128 s', () => {
    const config = parseRunConfig({ ...BASE, limit: 1000, epochs: 4, evalSubset: 500 });
    const e = calibrationEstimate(config, { backend: 'wasm', trainCount: 1000, testCount: 2004, stepSeconds: [0.4, 0.2, 0.3], evalSeconds: 1, evalImages: 128 });
    expect(e.secondsPerEpoch).toBeCloseTo(8 * 0.3 + 500 / 128, 12);
    expect(e.totalSeconds).toBeCloseTo(4 * (8 * 0.3 + 500 / 128), 12);
    expect(e.uncertainty).toBeCloseTo(Math.max(CALIBRATION_MIN_UNCERTAINTY, 0.2 / 0.6), 12);
  });

  it('real engine, tiny config (synthetic, small-cnn, batch 8, limit 64, PGD-1, wasm): positive finite seconds, total = per epoch x 3', async () => {
    const real = await createAppService({ dbPath: path.join(dir, 'empty.db'), workers: 1, backend: 'cpu', log: () => {} });
    try {
      const e = await real['runs:estimate']({ config: { dataset: 'synthetic', model: 'small-cnn', batchSize: 8, limit: 64, evalSubset: 16, pgdSteps: 1, epochs: 3, backend: 'wasm' } });
      expect(e.source).toBe('calibration');
      expect(e.backend).toBe('wasm');
      expect(Number.isFinite(e.secondsPerEpoch) && e.secondsPerEpoch > 0).toBe(true);
      expect(e.totalSeconds).toBeCloseTo(e.secondsPerEpoch * 3, 9);
      expect(e.basis).toMatch(/2 timed training step\(s\) after a warm-up, median [\d.]+ s x 8 steps per epoch/);
      expect(e.uncertainty).toBeGreaterThanOrEqual(CALIBRATION_MIN_UNCERTAINTY);
    } finally {
      await real.close();
    }
  }, 300_000); // generous: under the full suite the 2 cores are shared (a few seconds alone)

  it('bad configurations: batchSize 0 is refused naming the field; a missing CIFAR folder names the folder; nothing is stored', async () => {
    const bad = service['runs:estimate']({ config: { batchSize: 0 } });
    await expect(bad).rejects.toBeInstanceOf(ApiError);
    await expect(bad).rejects.toMatchObject({ code: 'bad-request', message: expect.stringMatching(/batchSize/) });
    const real = await createAppService({ dbPath: path.join(dir, 'empty2.db'), workers: 1, backend: 'cpu', log: () => {} });
    try {
      const missing = path.join(dir, 'no-such-cifar');
      const r = real['runs:estimate']({ config: { dataset: 'cifar10', dataDir: missing, model: 'small-cnn', backend: 'cpu' } });
      await expect(r).rejects.toMatchObject({ code: 'bad-request', message: expect.stringContaining('no-such-cifar') });
      expect(real.store.listRuns()).toEqual([]);
    } finally {
      await real.close();
    }
  }, 120_000);
});
