/**
 * regenerateExamples on the PyTorch-trained reference CNN (CIFAR-10 subset, wasm): the adversarial
 * examples regenerated for a few images from the stored protocol and batch size decide the same
 * outcome and predictions as the evaluation that stored them (single attack and a cumulative eps
 * grid), and stay in the eps-ball of the eps that decided them.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src-main/engine/backend/index.js';
import { evaluateRobustness } from '../../src-main/engine/evaluate/evaluate.js';
import { evaluateEpsGrid } from '../../src-main/engine/evaluate/eps-grid.js';
import { regenerateExamples } from '../../src-main/engine/evaluate/regenerate.js';
import { loadExternalModel, type ExternalClassifier } from '../../src-main/engine/models/external.js';
import { CIFAR_TEST, REFERENCE_DIR, readCifarBatch } from '../attacks/fixtures.js';

const N = 40;
const BATCH = 16;
const SHAPE: [number, number, number] = [32, 32, 3];
const D = 32 * 32 * 3;
let model: ExternalClassifier;
let data: { images: Float32Array; labels: Int32Array };

beforeAll(async () => {
  await initBackend('wasm');
  model = await loadExternalModel(REFERENCE_DIR, { inputShape: SHAPE, numClasses: 10 });
  data = readCifarBatch(CIFAR_TEST, N);
});

const linf = (a: Float32Array, b: Float32Array): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

describe(`regenerateExamples (reference CNN, first ${N} CIFAR-10 test images, batches of ${BATCH})`, () => {
  it('PGD-5 eps 8/255 step 2/255 seed 3: every image regenerated (3 batches, the last partial) has the stored outcome and predictions; broken ones are misclassified, robust ones are not', async () => {
    const common = { logits: model.logits, images: data.images, labels: data.labels, shape: SHAPE, numClasses: 10, dataset: 'cifar10' as const,
      attack: 'pgd' as const, eps: 8 / 255, stepSize: 2 / 255, steps: 5, n: N, batchSize: BATCH, seed: 3 };
    const r = await evaluateRobustness(common);
    const robust = Array.from(r.perSample).filter((v) => v === 1).length;
    const broken = Array.from(r.perSample).filter((v, i) => v === 0 && r.cleanCorrect[i] === 1).length;
    // Both kinds occur, so the comparison below can fail either way.
    expect(robust).toBeGreaterThan(2);
    expect(broken).toBeGreaterThan(2);
    // Out of order and with a repeat: the answer follows the request.
    const indices = [39, 0, 17, 5, 33, 16, ...Array.from({ length: N }, (_, i) => i)];
    const got = await regenerateExamples({ logits: model.logits, images: data.images, labels: data.labels, protocol: r.protocol, batchSize: BATCH,
      numClasses: 10, shape: SHAPE, indices });
    expect(got.map((g) => g.index)).toEqual(indices);
    for (const g of got) {
      const i = g.index;
      expect(g.label).toBe(data.labels[i]);
      expect([g.cleanPred, g.advPred, g.robust ? 1 : 0], `image ${i}`).toEqual([r.cleanPred[i], r.advPred[i], r.perSample[i]]);
      if (r.perSample[i] === 0 && r.cleanCorrect[i] === 1) expect(g.advPred, `broken image ${i}`).not.toBe(g.label);
      if (r.perSample[i] === 1) expect(g.advPred, `robust image ${i}`).toBe(g.label);
      expect(linf(g.clean, data.images.subarray(i * D, (i + 1) * D))).toBe(0);
      expect(linf(g.clean, g.adversarial)).toBeLessThanOrEqual(8 / 255 + 1e-6);
      // Clean-misclassified images are not attacked.
      if (r.cleanCorrect[i] === 0) expect(linf(g.clean, g.adversarial)).toBe(0);
    }
  }, 120_000);

  it('the attack batch matters: images 8-11 regenerated with batches of 8 instead of 16 (seed + 8 instead of seed + 0), some adversarial example differs (the random start is drawn per batch)', async () => {
    const r = await evaluateRobustness({ logits: model.logits, images: data.images, labels: data.labels, shape: SHAPE, numClasses: 10, dataset: 'cifar10',
      attack: 'pgd', eps: 8 / 255, stepSize: 2 / 255, steps: 1, n: N, batchSize: BATCH, seed: 3 });
    const indices = [8, 9, 10, 11];
    const a = await regenerateExamples({ logits: model.logits, images: data.images, labels: data.labels, protocol: r.protocol, batchSize: BATCH, numClasses: 10, shape: SHAPE, indices });
    const b = await regenerateExamples({ logits: model.logits, images: data.images, labels: data.labels, protocol: r.protocol, batchSize: 8, numClasses: 10, shape: SHAPE, indices });
    const attacked = a.filter((x) => x.cleanPred === x.label).map((x) => x.index);
    expect(attacked.length).toBeGreaterThan(0);
    expect(attacked.some((i) => linf(a[indices.indexOf(i)].adversarial, b[indices.indexOf(i)].adversarial) > 0)).toBe(true);
  }, 120_000);

  it('cumulative PGD-3 grid 0, 2/255, 8/255: point 8/255 regenerated equals the stored outcomes and predictions; an image broken at 2/255 shows that example (within 2/255)', async () => {
    const g = await evaluateEpsGrid({ logits: model.logits, images: data.images, labels: data.labels, shape: SHAPE, numClasses: 10, dataset: 'cifar10',
      attack: 'pgd', epsGrid: [0, 2 / 255, 8 / 255], stepSize: 2 / 255, steps: 3, n: N, batchSize: BATCH, seed: 1 });
    const last = g.points[2];
    const protocol = { ...last.protocol, grid: { id: 'g', eps: [0, 2 / 255, 8 / 255], index: 2, rule: 'cumulative' as const } };
    const indices = Array.from({ length: N }, (_, i) => i);
    const got = await regenerateExamples({ logits: model.logits, images: data.images, labels: data.labels, protocol, batchSize: BATCH, numClasses: 10, shape: SHAPE, indices });
    const early = indices.filter((i) => g.cleanCorrect[i] === 1 && g.points[1].perSample[i] === 0);
    const late = indices.filter((i) => g.points[1].perSample[i] === 1 && last.perSample[i] === 0);
    expect(early.length + late.length).toBeGreaterThan(0);
    for (const x of got) {
      const i = x.index;
      expect([x.cleanPred, x.advPred, x.robust ? 1 : 0], `image ${i}`).toEqual([last.cleanPred[i], last.advPred[i], last.perSample[i]]);
    }
    for (const i of early) {
      expect(got[i].advPred).not.toBe(data.labels[i]);
      expect(linf(got[i].clean, got[i].adversarial)).toBeLessThanOrEqual(2 / 255 + 1e-6);
    }
  }, 180_000);
});
