/**
 * The examples worker job (runs inside eval-worker.ts): loads the run's dataset and checkpoint,
 * regenerates the adversarial views of the requested images and encodes everything as PNG data
 * URLs (./png.ts). Test images get the evaluation's own attack replayed (engine/evaluate/regenerate.ts);
 * training images the run's training adversary (engine/objectives/training-views.ts).
 */
import { loadDataset } from '../engine/data/index.js';
import { inferenceLogits } from '../engine/evaluate/evaluate.js';
import { regenerateExamples } from '../engine/evaluate/regenerate.js';
import { trainingAdversarialViews } from '../engine/objectives/training-views.js';
import { predictLabels } from '../engine/attacks/batch-ops.js';
import { tf } from '../engine/tf.js';
import { attackBudget } from '../shared/run-config.js';
import type { ExampleImage, ExamplesOutcome } from '../shared/rows.js';
import { modelFromCheckpoint } from './checkpoint-model.js';
import type { ExamplesJob } from './protocol.js';
import { amplifiedPerturbation, pngDataUrl } from './png.js';

function linf(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

export async function examplesImages(j: ExamplesJob): Promise<ExamplesOutcome> {
  const data = await loadDataset(j.config.dataset, { dataDir: j.config.dataDir, seed: j.config.seed });
  const shape: [number, number, number] = [data.height, data.width, data.channels];
  const [h, w, c] = shape;
  const d = h * w * c;
  const model = modelFromCheckpoint(j.checkpoint.file, j.checkpoint.sha256, j.config, data);
  const image = (x: { index: number; label: number; clean: Float32Array; adversarial: Float32Array; cleanPred: number; advPred: number }, eps: number): ExampleImage => ({
    index: x.index, label: x.label, cleanPred: x.cleanPred, advPred: x.advPred, robust: x.cleanPred === x.label && x.advPred === x.label,
    clean: pngDataUrl(x.clean, h, w, c), adversarial: pngDataUrl(x.adversarial, h, w, c),
    perturbation: pngDataUrl(amplifiedPerturbation(x.clean, x.adversarial, eps), h, w, c), linf: linf(x.clean, x.adversarial),
  });
  try {
    const logits = inferenceLogits(model);
    if (j.target.kind === 'evaluation') {
      const t = j.target;
      const got = await regenerateExamples({ logits, images: data.test.images, labels: data.test.labels, protocol: t.protocol, batchSize: t.batchSize,
        numClasses: data.numClasses, shape, indices: t.indices });
      return { classNames: data.classNames, eps: t.protocol.eps, images: got.map((x) => image(x, t.protocol.eps)) };
    }
    const { indices } = j.target;
    for (const i of indices) {
      if (!(Number.isInteger(i) && i >= 0 && i < data.train.count)) throw new Error(`examplesImages: training index ${i} is outside [0, ${data.train.count})`);
    }
    const clean = new Float32Array(indices.length * d);
    indices.forEach((i, k) => clean.set(data.train.images.subarray(i * d, (i + 1) * d), k * d));
    const labels = Int32Array.from(indices, (i) => data.train.labels[i]);
    const adv = await trainingAdversarialViews(model, j.config, clean, labels, shape);
    const predict = async (values: Float32Array): Promise<Int32Array> => {
      if (indices.length === 0) return new Int32Array(0);
      const x = tf.tensor4d(values, [indices.length, h, w, c]);
      try { return await predictLabels(logits, x); } finally { x.dispose(); }
    };
    const [cleanPred, advPred] = [await predict(clean), await predict(adv)];
    const eps = attackBudget(j.config).eps;
    return { classNames: data.classNames, eps, images: indices.map((index, k) => image({ index, label: labels[k], clean: clean.slice(k * d, (k + 1) * d),
      adversarial: adv.slice(k * d, (k + 1) * d), cleanPred: cleanPred[k], advPred: advPred[k] }, eps)) };
  } finally {
    model.dispose();
  }
}
