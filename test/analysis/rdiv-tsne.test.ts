/** R-DIV sweep and t-SNE on the reference CNN (small-cnn with the PGD-AT weights), CIFAR-10 test images. */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src-main/engine/tf.js';
import { initBackend } from '../../src-main/engine/backend/index.js';
import type { ClassifierModel } from '../../src-main/engine/models/model.js';
import { latentDivergence, rdivSweep } from '../../src-main/engine/analysis/rdiv.js';
import { embed2d, latentTsne, predictionEntropy } from '../../src-main/engine/analysis/tsne.js';
import { Rng } from '../../src-main/engine/rng.js';
import { CIFAR_TEST, readCifarBatch, referenceEngineModel } from '../attacks/fixtures.js';

describe('R-DIV and t-SNE of the reference CNN', () => {
  let model: ClassifierModel;
  let data: { images: Float32Array; labels: Int32Array };
  beforeAll(async () => {
    await initBackend('wasm');
    model = referenceEngineModel();
    data = readCifarBatch(CIFAR_TEST, 128);
  });

  it('eps sweep {0.5, 8, 16}/255 (PGD-5, step 2/255, 128 images): robust accuracy falls and R-DIV rises with eps (Figure 2c trend)', async () => {
    const pts = await rdivSweep(model, data.images, data.labels, [0.5 / 255, 8 / 255, 16 / 255], { stepSize: 2 / 255, steps: 5, seed: 0 });
    expect(pts.map((p) => p.eps)).toEqual([0.5 / 255, 8 / 255, 16 / 255]);
    for (let i = 1; i < pts.length; i++) {
      expect(pts[i].robustAccuracy).toBeLessThan(pts[i - 1].robustAccuracy);
      expect(pts[i].rdiv).toBeGreaterThan(pts[i - 1].rdiv);
    }
    for (const p of pts) {
      expect(p.batches).toBe(1);
      expect(p.rdiv).toBeCloseTo(p.dPlus / p.dMinus, 10);
      expect(p.robustAccuracy).toBeLessThanOrEqual(p.cleanAccuracy);
    }
  });

  it('latentDivergence leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    await latentDivergence(model, data.images, data.labels, { eps: 8 / 255, stepSize: 2 / 255, steps: 1, seed: 1, n: 16 });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('t-SNE of 60 benign + 10 adversarial latents: labelled points with entropies in [0, log 10], seeded', async () => {
    const o = { benign: 60, adversarial: 10, eps: 8 / 255, stepSize: 2 / 255, steps: 3, seed: 4, iterations: 60 };
    const pts = await latentTsne(model, data.images, data.labels, o);
    expect(pts.length).toBe(70);
    expect(pts.filter((p) => p.adversarial).length).toBe(10);
    expect(pts.filter((p) => !p.adversarial).map((p) => p.label)).toEqual(Array.from(data.labels.subarray(0, 60)));
    for (const p of pts) {
      expect(Number.isFinite(p.x) && Number.isFinite(p.y)).toBe(true);
      expect(p.entropy).toBeGreaterThanOrEqual(0);
      expect(p.entropy).toBeLessThanOrEqual(Math.log(10) + 1e-5);
    }
    expect(await latentTsne(model, data.images, data.labels, o)).toEqual(pts);
  });
});

describe('t-SNE helpers', () => {
  it('prediction entropy: uniform logits give log K, a dominant logit gives about 0', async () => {
    await initBackend('cpu');
    const logits = tf.tensor2d([[0, 0, 0, 0], [50, 0, 0, 0]]);
    const e = await predictionEntropy(logits);
    logits.dispose();
    expect(e[0]).toBeCloseTo(Math.log(4), 5);
    expect(e[1]).toBeCloseTo(0, 5);
  });

  it('embed2d keeps two far-apart 10-D blobs (20 points each) apart', () => {
    const rng = new Rng(2);
    const rows = new Float32Array(40 * 10);
    for (let i = 0; i < 40; i++) for (let k = 0; k < 10; k++) rows[i * 10 + k] = (i < 20 ? 0 : 10) + rng.next();
    const pts = embed2d(rows, 40, 10, { perplexity: 5, iterations: 300, seed: 1 });
    const dist = (a: number[], b: number[]) => Math.hypot(a[0] - b[0], a[1] - b[1]);
    let intra = 0, inter = 0, ni = 0, ne = 0;
    for (let i = 0; i < 40; i++) for (let j = i + 1; j < 40; j++) {
      if ((i < 20) === (j < 20)) { intra += dist(pts[i], pts[j]); ni++; } else { inter += dist(pts[i], pts[j]); ne++; }
    }
    expect(inter / ne).toBeGreaterThan(2 * (intra / ni));
  });
});
