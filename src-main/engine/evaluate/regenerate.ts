/**
 * Regenerating the adversarial examples of a stored evaluation for a few of its images, so they can
 * be shown without storing images. The attacks are deterministic given their seed and their batch
 * (the random start is drawn for the whole batch [m, H, W, C]), so each batch holding a requested
 * image is attacked again exactly as evaluateRobustness / evaluateEpsGrid attacked it: the same
 * rows (from = b * batchSize), the same clean-correct skip (attackCleanCorrect), the seed
 * protocol.seed + from. A point of a cumulative eps grid replays the grid up to its eps, and shows
 * the example that broke the image at the smallest grid eps (the outcome stored at the larger eps).
 * The recomputed outcome is returned beside the image: a caller compares it with the stored one
 * (a different backend or build can round differently; a mismatch is reported, not hidden).
 */
import { tf } from '../tf.js';
import type { EvaluationProtocol } from '../../shared/evaluation.js';
import type { LogitsFn } from '../models/model.js';
import { attackCleanCorrect, getAttack } from '../attacks/index.js';
import { predictLabels } from '../attacks/batch-ops.js';
import { attackParamsOf, checkLabels } from './evaluate.js';

export interface RegenerateOptions {
  logits: LogitsFn;
  /** The test split [count, H, W, C] in [0, 1] and its labels; the evaluation used the first protocol.n. */
  images: Float32Array;
  labels: Int32Array;
  protocol: EvaluationProtocol;
  /** Images per attack batch when the evaluation ran. */
  batchSize: number;
  numClasses: number;
  shape: [number, number, number];
  /** Image indices in [0, protocol.n). */
  indices: readonly number[];
}

export interface RegeneratedExample {
  index: number;
  label: number;
  /** [H * W * C] in [0, 1]. */
  clean: Float32Array;
  /** The adversarial example that decides the outcome (the clean image where none was attacked).  [H * W * C] */
  adversarial: Float32Array;
  cleanPred: number;
  advPred: number;
  /** Correct on the clean image and on the adversarial example, as recomputed. */
  robust: boolean;
}

/** The eps values to replay for the protocol's point: the grid up to it (cumulative rule), else the point alone. */
function replayedEps(p: EvaluationProtocol): number[] {
  if (p.grid && p.grid.rule === 'cumulative') return p.grid.eps.slice(0, p.grid.index + 1);
  return [p.eps];
}

export async function regenerateExamples(o: RegenerateOptions): Promise<RegeneratedExample[]> {
  const p = o.protocol;
  const [h, w, c] = o.shape;
  const d = h * w * c;
  const n = p.n;
  if (!(Number.isInteger(o.batchSize) && o.batchSize > 0)) throw new Error(`regenerateExamples: batchSize must be a positive integer (got ${o.batchSize})`);
  if (o.labels.length < n || o.images.length < n * d) throw new Error(`regenerateExamples: the evaluation used ${n} images, the test split holds ${o.labels.length}`);
  for (const i of o.indices) {
    if (!(Number.isInteger(i) && i >= 0 && i < n)) throw new Error(`regenerateExamples: index ${i} is outside the evaluated images [0, ${n})`);
  }
  checkLabels(o.labels, n, o.numClasses, 'regenerateExamples');
  const attack = getAttack(p.attack);
  const cumulative = p.grid?.rule === 'cumulative';
  const epsList = replayedEps(p);
  const byBatch = new Map<number, number[]>();
  for (const i of o.indices) {
    const from = Math.floor(i / o.batchSize) * o.batchSize;
    byBatch.set(from, [...(byBatch.get(from) ?? []), i]);
  }
  const out = new Map<number, RegeneratedExample>();
  for (const [from, wanted] of [...byBatch.entries()].sort((a, b) => a[0] - b[0])) {
    const m = Math.min(o.batchSize, n - from);
    const pixels = o.images.subarray(from * d, (from + m) * d);
    const x = tf.tensor4d(pixels, [m, h, w, c]);
    const yArr = o.labels.subarray(from, from + m);
    const y = tf.tensor1d(yArr, 'int32');
    // Per row of the batch: the deciding example (starts as the clean image) and its prediction.
    const shown = Float32Array.from(pixels);
    try {
      const cleanPred = await predictLabels(o.logits, x);
      const advPred = Int32Array.from(cleanPred);
      const alive = Int32Array.from(cleanPred, (q, i) => (q === yArr[i] ? q : -1));
      for (const eps of epsList) {
        if (eps === 0) continue;
        const stepSize = attack.capabilities.step === 'eps' ? eps : p.stepSize;
        const params = attackParamsOf({ ...p, eps, stepSize }, o.numClasses, p.seed + from);
        const adv = await attackCleanCorrect(attack, o.logits, x, y, cumulative ? alive : cleanPred, yArr, params);
        try {
          const pred = await predictLabels(o.logits, adv);
          const values = await adv.data();
          for (let i = 0; i < m; i++) {
            if (cumulative && alive[i] < 0) continue;
            advPred[i] = pred[i];
            shown.set(values.subarray(i * d, (i + 1) * d), i * d);
            if (cumulative && pred[i] !== yArr[i]) alive[i] = -1;
          }
        } finally { adv.dispose(); }
      }
      for (const i of wanted) {
        const r = i - from;
        out.set(i, { index: i, label: yArr[r], clean: Float32Array.from(pixels.subarray(r * d, (r + 1) * d)), adversarial: shown.slice(r * d, (r + 1) * d),
          cleanPred: cleanPred[r], advPred: advPred[r], robust: cleanPred[r] === yArr[r] && advPred[r] === yArr[r] });
      }
    } finally { tf.dispose([x, y]); }
  }
  return o.indices.map((i) => out.get(i)!);
}
