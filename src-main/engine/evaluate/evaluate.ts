/**
 * Robustness evaluation: clean and robust accuracy of a classifier on the
 * first n images under one attack, with the per-sample outcome. Attacks see the model only as a
 * LogitsFn in inference mode (batch-norm statistics frozen; pass `inferenceLogits(model)` for an
 * engine model) and never change its weights. A clean-misclassified point counts as non-robust.
 * Every returned example is checked to lie in the eps-ball and in [0, 1]: an attack that leaves
 * the threat model would report a wrong (too low) robustness.
 */
import { z } from 'zod';
import { tf } from '../tf.js';
import { ATTACKS, type AttackName } from '../../shared/options.js';
import type { ClassifierModel, LogitsFn } from '../models/model.js';
import { getAttack } from '../attacks/index.js';
import { autoAttack, AUTOATTACK_ORDER } from '../attacks/autoattack.js';
import { linfDistance, predictLabels } from '../attacks/batch-ops.js';
import type { AttackParams } from '../attacks/attack.js';
import { logitsFn } from '../models/logits.js';

/** The paper's evaluation PGD: k = 250 (Section 4.1). */
export const DEFAULT_STEPS: Record<AttackName, number> = {
  fgsm: 1, pgd: 250, mpgd: 250, aa: 100, 'apgd-ce': 100, 'apgd-t': 100, 'fab-t': 100, square: 5000,
};

/** Numeric options, validated at the boundary (CLI and API pass user input straight through). */
export const EvaluateOptionsSchema = z.object({
  attack: z.enum(ATTACKS),
  eps: z.number().finite().positive().max(1),
  stepSize: z.number().finite().positive().max(1).optional(),
  steps: z.number().int().positive().max(100_000).optional(),
  restarts: z.number().int().positive().max(100).optional(),
  n: z.number().int().positive(),
  batchSize: z.number().int().positive().max(100_000),
  seed: z.number().int().min(0),
  numClasses: z.number().int().min(2),
  shape: z.tuple([z.number().int().positive(), z.number().int().positive(), z.number().int().positive()]),
});

export interface EvaluateOptions extends z.input<typeof EvaluateOptionsSchema> {
  logits: LogitsFn;
  /** [count, H, W, C] row-major NHWC in [0, 1]; the first n rows are evaluated. */
  images: Float32Array;
  labels: Int32Array;
  onProgress?(done: number, total: number, etaSeconds: number): void;
}

export interface EvaluateResult {
  attack: AttackName;
  eps: number;
  stepSize: number;
  steps: number;
  n: number;
  cleanAccuracy: number;
  robustAccuracy: number;
  /** 1 = robust (correct on the clean image and on its adversarial example).  [n] */
  perSample: Uint8Array;
  /** AutoAttack: robust accuracy after each of its attacks, in order. */
  perAttack?: Record<string, number>;
  seconds: number;
}

/** An engine model's logits in inference mode (models/logits.ts: latent and projection dropped). */
export function inferenceLogits(model: ClassifierModel): LogitsFn {
  return logitsFn(model, false);
}

export async function evaluateRobustness(o: EvaluateOptions): Promise<EvaluateResult> {
  const parsed = EvaluateOptionsSchema.safeParse(o);
  if (!parsed.success) {
    throw new Error(`evaluateRobustness: bad options: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const v = parsed.data;
  const [h, w, c] = v.shape;
  const d = h * w * c;
  const count = o.labels.length;
  if (o.images.length !== count * d) {
    throw new Error(`evaluateRobustness: images hold ${o.images.length} values, expected ${count} x ${h}x${w}x${c} = ${count * d}`);
  }
  if (v.n > count) throw new Error(`evaluateRobustness: n = ${v.n} but only ${count} images were given`);
  for (let i = 0; i < v.n; i++) {
    if (!(o.labels[i] >= 0 && o.labels[i] < v.numClasses)) throw new Error(`evaluateRobustness: label ${o.labels[i]} at index ${i} is outside [0, ${v.numClasses})`);
  }
  const stepSize = v.stepSize ?? v.eps / 4;
  // AutoAttack's standard version fixes its iterations (100) and queries (5000): steps is ignored.
  const steps = v.attack === 'aa' ? DEFAULT_STEPS.aa : v.steps ?? DEFAULT_STEPS[v.attack];
  const params: AttackParams = { eps: v.eps, stepSize, steps, randomStart: true, restarts: v.restarts ?? 1, numClasses: v.numClasses, seed: v.seed };
  const perSample = new Uint8Array(v.n);
  const robustAfter: Record<string, number> = Object.fromEntries(AUTOATTACK_ORDER.map((a) => [a, 0]));
  let clean = 0;
  const start = performance.now();
  for (let from = 0; from < v.n; from += v.batchSize) {
    const m = Math.min(v.batchSize, v.n - from);
    const x = tf.tensor4d(o.images.subarray(from * d, (from + m) * d), [m, h, w, c]);
    const yArr = o.labels.subarray(from, from + m);
    const y = tf.tensor1d(yArr, 'int32');
    const batchParams = { ...params, seed: v.seed + from };
    const cleanPred = predictLabels(o.logits, x);
    let adv: tf.Tensor4D;
    if (v.attack === 'aa') {
      // Progress after each of the four attacks: a batch of AutoAttack can take many minutes.
      const r = autoAttack(o.logits, x, y, batchParams, {
        onAttack: (name) => {
          const part = AUTOATTACK_ORDER.indexOf(name) + 1;
          if (part === AUTOATTACK_ORDER.length) return;
          const done = Math.round(from + (m * part) / AUTOATTACK_ORDER.length);
          const elapsed = (performance.now() - start) / 1000;
          if (done > 0) o.onProgress?.(done, v.n, (elapsed / done) * (v.n - done));
        },
      });
      adv = r.xAdv;
      for (const a of AUTOATTACK_ORDER) robustAfter[a] += r.robustAfter[a];
    } else {
      adv = await attackCleanCorrect(v.attack, o.logits, x, y, cleanPred, yArr, batchParams);
    }
    checkThreatModel(v.attack, x, adv, v.eps, from);
    const advPred = predictLabels(o.logits, adv);
    for (let i = 0; i < m; i++) {
      const ok = cleanPred[i] === yArr[i];
      clean += ok ? 1 : 0;
      perSample[from + i] = ok && advPred[i] === yArr[i] ? 1 : 0;
    }
    tf.dispose([x, y, adv]);
    const done = from + m;
    const elapsed = (performance.now() - start) / 1000;
    o.onProgress?.(done, v.n, (elapsed / done) * (v.n - done));
  }
  let robust = 0;
  for (const f of perSample) robust += f;
  return {
    attack: v.attack, eps: v.eps, stepSize, steps, n: v.n,
    cleanAccuracy: clean / v.n,
    robustAccuracy: robust / v.n,
    perSample,
    perAttack: v.attack === 'aa' ? Object.fromEntries(AUTOATTACK_ORDER.map((a) => [a, robustAfter[a] / v.n])) : undefined,
    seconds: (performance.now() - start) / 1000,
  };
}

/**
 * Runs one attack on the clean-correct points of a batch only: a clean-misclassified point is
 * non-robust whatever the attack does (AutoAttack's robust flags start from clean correctness the
 * same way), so attacking it is wasted work — most of the batch on a weak model. The other points
 * keep their clean image. The result is assembled by a gather from [attacked; clean], so every
 * value is exactly one the attack or the input produced.
 */
async function attackCleanCorrect(
  name: AttackName, f: LogitsFn, x: tf.Tensor4D, y: tf.Tensor1D,
  cleanPred: ArrayLike<number>, labels: ArrayLike<number>, params: AttackParams,
): Promise<tf.Tensor4D> {
  const m = x.shape[0];
  const correct: number[] = [];
  for (let i = 0; i < m; i++) if (cleanPred[i] === labels[i]) correct.push(i);
  if (correct.length === m) return getAttack(name).run(f, x, y, params);
  if (correct.length === 0) return tf.clone(x);
  const idx = tf.tensor1d(correct, 'int32');
  const xs = tf.gather(x, idx) as tf.Tensor4D;   // [k, H, W, C]
  const ys = tf.gather(y, idx) as tf.Tensor1D;   // [k]
  const advSub = await getAttack(name).run(f, xs, ys, params);
  // Row i of the result: row slot[i] of [advSub; x], i.e. its adversarial example if attacked.
  const slot = new Int32Array(m);
  for (let i = 0; i < m; i++) slot[i] = correct.length + i;
  correct.forEach((i, j) => { slot[i] = j; });
  const adv = tf.tidy(() => tf.gather(tf.concat([advSub, x], 0), tf.tensor1d(slot, 'int32')) as tf.Tensor4D);
  tf.dispose([idx, xs, ys, advSub]);
  return adv;
}

/** Throws when an attack's example leaves the eps-ball (float tolerance 1e-6) or [0, 1]. */
function checkThreatModel(attack: string, x: tf.Tensor4D, adv: tf.Tensor4D, eps: number, offset: number): void {
  const dist = linfDistance(x, adv);
  const range = tf.tidy(() => [tf.min(adv).dataSync()[0], tf.max(adv).dataSync()[0]]);
  for (let i = 0; i < dist.length; i++) {
    if (!(dist[i] <= eps + 1e-6)) throw new Error(`evaluateRobustness: ${attack} moved image ${offset + i} by ${dist[i]} > eps ${eps}`);
  }
  if (range[0] < 0 || range[1] > 1) throw new Error(`evaluateRobustness: ${attack} produced pixel values in [${range[0]}, ${range[1]}], outside [0, 1]`);
}
