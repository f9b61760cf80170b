/**
 * Agreement with the reference implementations on test/fixtures/reference-model/cifar10-cnn-pgdat
 * (PyTorch figures in reference_results.json, first images of the test_batch.bin subset in test/fixtures/cifar10, eps 8/255), CI-sized.
 * The full 1000-image comparison is studies/attacks/compare-reference.ts.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src-main/engine/tf.js';
import { initBackend } from '../../src-main/engine/backend/index.js';
import type { LogitsFn } from '../../src-main/engine/models/model.js';
import { evaluateRobustness, inferenceLogits } from '../../src-main/engine/evaluate/evaluate.js';
import { apgdCe } from '../../src-main/engine/attacks/apgd-ce.js';
import { apgdTargeted } from '../../src-main/engine/attacks/apgd-t.js';
import { fabTargeted } from '../../src-main/engine/attacks/fab.js';
import { squareAttack } from '../../src-main/engine/attacks/square.js';
import { getAttack } from '../../src-main/engine/attacks/index.js';
import { autoAttack } from '../../src-main/engine/attacks/autoattack.js';
import { linfDistance } from '../../src-main/engine/attacks/batch-ops.js';
import { loadExternalModel, type ExternalClassifier } from '../../src-main/engine/models/external.js';
import { CIFAR_TEST, REFERENCE_DIR, readCifarBatch, referenceEngineModel } from './fixtures.js';

const EPS = 8 / 255;
interface Reference {
  clean_accuracy_1000: number; fgsm_accuracy_1000: number; pgd20_accuracy_1000: number;
  autoattack_robust_per_sample_1000: number[];
}

describe('reference CNN (PGD-AT, PyTorch) on CIFAR-10 test images, eps 8/255', () => {
  // The reference as `ascl eval --model` loads it (models/external.ts).
  let model: ExternalClassifier;
  let f: LogitsFn;
  let ref: Reference;
  let data: { images: Float32Array; labels: Int32Array };
  const evalOpts = () => ({ logits: f, images: data.images, labels: data.labels, shape: [32, 32, 3] as [number, number, number], numClasses: 10, dataset: 'cifar10' as const, eps: EPS, stepSize: 2 / 255, batchSize: 100, seed: 0 });

  beforeAll(async () => {
    await initBackend('wasm');
    model = await loadExternalModel(REFERENCE_DIR, { inputShape: [32, 32, 3], numClasses: 10 });
    f = model.logits;
    ref = JSON.parse(readFileSync(resolve(REFERENCE_DIR, 'reference_results.json'), 'utf8')) as Reference;
    data = readCifarBatch(CIFAR_TEST, 1000);
  });

  it('clean accuracy on the first 1000 = reference 0.527, for the LayersModel and for small-cnn with its weights', async () => {
    const r = await evaluateRobustness({ ...evalOpts(), attack: 'fgsm', n: 1000, batchSize: 250 });
    expect(r.cleanAccuracy).toBeCloseTo(ref.clean_accuracy_1000, 6);
    // FGSM has no randomness: only float rounding separates it from PyTorch.
    expect(Math.abs(r.robustAccuracy - ref.fgsm_accuracy_1000)).toBeLessThanOrEqual(0.005);
    const engine = referenceEngineModel();
    const x = tf.tensor4d(data.images.subarray(0, 200 * 3072), [200, 32, 32, 3]);
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(inferenceLogits(engine)(x), f(x)))).dataSync()[0]);
    expect(diff).toBeLessThan(1e-4);
    x.dispose();
    engine.dispose();
  });

  // The reference README expects PGD-20 to agree "within one to two points" (random starts move a few
  // images either way). On these 1000 images the binomial standard error of 0.207 is 1.3 points; the
  // same images are attacked here, so the run-to-run spread is smaller. About 40 s on wasm (2 cores).
  it('PGD-20 on the first 1000 test images, step from the CIFAR-10 evaluation default (2/255), seed 0: robust accuracy within 2 points of the reference 0.207', async () => {
    const { stepSize: _given, ...rest } = evalOpts();
    const r = await evaluateRobustness({ ...rest, attack: 'pgd', steps: 20, batchSize: 250 });
    expect(r.protocol).toMatchObject({ attack: 'pgd', dataset: 'cifar10', stepSize: 2 / 255, steps: 20, restarts: 1, n: 1000, testSetSize: 1000 });
    expect(r.cleanAccuracy).toBeCloseTo(ref.clean_accuracy_1000, 6);
    expect(Math.abs(r.robustAccuracy - ref.pgd20_accuracy_1000)).toBeLessThanOrEqual(0.02);
    expect(r.robustStdErr).toBeCloseTo(Math.sqrt(r.robustAccuracy * (1 - r.robustAccuracy) / 1000), 12);
    expect(r.robustAccuracy).toBeLessThan(ref.fgsm_accuracy_1000);
  }, 300_000);

  // The full standard AutoAttack costs minutes here (FAB-T and Square iterate 900 and 5000 times);
  // in the reference run FAB-T and Square broke nothing after APGD-T on these images (robust
  // accuracy after APGD-T = final), so CI runs AutoAttack's APGD-CE + APGD-T part with standard
  // parameters and checks the final per-image reference flags; FAB-T and Square are checked on
  // linear models (linear.test.ts) and at full size by studies/attacks/compare-reference.ts.
  it('first 100 images: PGD-20 (step 2/255) robust accuracy <= FGSM; AutoAttack (APGD-CE + APGD-T, 100 iterations, 9 targets) on the first 50 <= PGD-20 and matches the reference per image', async () => {
    const fg = await evaluateRobustness({ ...evalOpts(), attack: 'fgsm', n: 100 });
    const pg = await evaluateRobustness({ ...evalOpts(), attack: 'pgd', steps: 20, n: 100 });
    expect(pg.robustAccuracy).toBeLessThanOrEqual(fg.robustAccuracy);
    expect(pg.robustAccuracy).toBeLessThan(pg.cleanAccuracy);
    const x = tf.tensor4d(data.images.subarray(0, 50 * 3072), [50, 32, 32, 3]);
    const y = tf.tensor1d(data.labels.subarray(0, 50), 'int32');
    const aa = await autoAttack(f, x, y, { eps: EPS, stepSize: 2 / 255, steps: 100, randomStart: true, restarts: 1, numClasses: 10, seed: 0 }, { attacks: ['apgd-ce', 'apgd-t'] });
    expect(Math.max(...await linfDistance(x, aa.xAdv))).toBeLessThanOrEqual(EPS + 1e-6);
    tf.dispose([x, y, aa.xAdv]);
    const pgRobust50 = pg.perSample.subarray(0, 50).reduce((a, b) => a + b, 0);
    const aaRobust = aa.robust.reduce((a, b) => a + b, 0);
    const refFlags = ref.autoattack_robust_per_sample_1000.slice(0, 50);
    const refRobust = refFlags.reduce((a, b) => a + b, 0);
    expect(aaRobust).toBeLessThanOrEqual(pgRobust50);
    // A weaker AutoAttack would report more robust points than the reference: at most one more.
    expect(aaRobust).toBeLessThanOrEqual(refRobust + 1);
    const agree = refFlags.filter((v, i) => v === aa.robust[i]).length;
    expect(agree).toBeGreaterThanOrEqual(48);
    expect(aa.robustAfter['apgd-t']).toBeLessThanOrEqual(aa.robustAfter['apgd-ce']);
  }, 300_000);

  it('every attack keeps its examples in the 8/255-ball and [0, 1], and no attack changes the weights (8 images, short runs)', async () => {
    const before = model.trainableVariables().map((w) => Float32Array.from(w.dataSync()));
    expect(before.length).toBe(8);
    const x = tf.tensor4d(data.images.subarray(0, 8 * 3072), [8, 32, 32, 3]);
    const y = tf.tensor1d(data.labels.subarray(0, 8), 'int32');
    const p = { eps: EPS, stepSize: 2 / 255, steps: 5, randomStart: true, restarts: 1, numClasses: 10, seed: 1 };
    const runs: Record<string, () => Promise<tf.Tensor4D>> = {
      fgsm: () => getAttack('fgsm').run(f, x, y, p),
      pgd: () => getAttack('pgd').run(f, x, y, p),
      mpgd: () => getAttack('mpgd').run(f, x, y, p),
      'apgd-ce': async () => apgdCe(f, x, y, p, 10),
      'apgd-t': async () => apgdTargeted(f, x, y, p, 10, 3),
      'fab-t': async () => fabTargeted(f, x, y, p, 10, 3),
      square: async () => squareAttack(f, x, y, p, 200),
    };
    for (const [name, run] of Object.entries(runs)) {
      const adv = await run();
      const dist = await linfDistance(x, adv);
      expect(Math.max(...dist), name).toBeLessThanOrEqual(EPS + 1e-6);
      const [lo, hi] = tf.tidy(() => [tf.min(adv).dataSync()[0], tf.max(adv).dataSync()[0]]);
      expect(lo, name).toBeGreaterThanOrEqual(0);
      expect(hi, name).toBeLessThanOrEqual(1);
      adv.dispose();
    }
    const after = model.trainableVariables().map((w) => w.dataSync());
    before.forEach((w, i) => expect(Array.from(after[i]).every((v, j) => v === w[j])).toBe(true));
    tf.dispose([x, y]);
  });
});
