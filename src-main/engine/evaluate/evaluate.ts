/**
 * Robustness evaluation: clean and robust accuracy of a classifier on the first n test images
 * under one registered attack, with the per-sample outcome, the standard errors and the resolved
 * protocol (./protocol.ts: the dataset's evaluation defaults where an option is not given). Attacks
 * see the model only as a LogitsFn in inference mode (batch-norm statistics frozen; pass
 * `inferenceLogits(model)` for an engine model) and never change its weights. A clean-misclassified
 * point counts as non-robust. Every returned example is checked to lie in the eps-ball and in
 * [0, 1]: an attack that leaves the threat model would report a wrong (too low) robustness.
 */
import { tf } from '../tf.js';
import type { AttackName } from '../../shared/options.js';
import { standardError, type EvaluationProtocol } from '../../shared/evaluation.js';
import type { ClassifierModel, LogitsFn } from '../models/model.js';
import { attackCleanCorrect, getAttack } from '../attacks/index.js';
import { linfDistance, predictLabels } from '../attacks/batch-ops.js';
import { readTidy } from '../read.js';
import type { AttackParams } from '../attacks/attack.js';
import { logitsFn } from '../models/logits.js';
import { IterationRecorder, type IterationSink } from '../attacks/iteration-trace.js';
import type { IterationPoint } from '../../shared/rows.js';
import { EvaluateOptionsSchema, resolveProtocol, type EvaluateInput, type ParsedEvaluateOptions } from './protocol.js';

export { EvaluateOptionsSchema, resolveProtocol } from './protocol.js';

export interface EvaluateOptions extends EvaluateInput {
  logits: LogitsFn;
  /** [count, H, W, C] row-major NHWC in [0, 1]; the first n rows are evaluated. */
  images: Float32Array;
  labels: Int32Array;
  onProgress?(done: number, total: number, etaSeconds: number): void;
  /** Record robust accuracy per attack-iteration checkpoint (default true; attacks/iteration-trace.ts). */
  recordIterations?: boolean;
}

export interface EvaluateResult {
  attack: AttackName;
  eps: number;
  /** The fixed step (PGD, mPGD), eps (FGSM), or null where the attack sets its own. */
  stepSize: number | null;
  steps: number;
  n: number;
  cleanAccuracy: number;
  robustAccuracy: number;
  /** sqrt(p (1 - p) / n) of each accuracy. */
  cleanStdErr: number;
  robustStdErr: number;
  /** Everything that determines the figure, defaults filled in; stored with the evaluation. */
  protocol: EvaluationProtocol;
  /** 1 = robust (correct on the clean image and on its adversarial example).  [n] */
  perSample: Uint8Array;
  /** 1 = correct on the clean image.  [n] */
  cleanCorrect: Uint8Array;
  /** The predicted class of the clean image and of its adversarial example (the clean image where it was not attacked).  [n] */
  cleanPred: Int32Array;
  advPred: Int32Array;
  /** Composites (AutoAttack): robust accuracy after each of its attacks, in order. */
  perAttack?: Record<string, number>;
  /** Robust accuracy per attack-iteration checkpoint; null when not recorded (not asked, or a composite). */
  iterations: IterationPoint[] | null;
  /** Per image: total iterations of the checkpoint from which it stays broken, 0 clean-misclassified, NaN robust; null with iterations.  [n] */
  breakingIteration: Float64Array | null;
  seconds: number;
}

/** An engine model's logits in inference mode (models/logits.ts: latent and projection dropped). */
export function inferenceLogits(model: ClassifierModel): LogitsFn {
  return logitsFn(model, false);
}

/** The validated options and image geometry of an evaluation; `where` names the caller in errors. */
export function checkedInput(o: EvaluateOptions, where: string): { v: ParsedEvaluateOptions; h: number; w: number; c: number; d: number; count: number } {
  const parsed = EvaluateOptionsSchema.safeParse(o);
  if (!parsed.success) {
    throw new Error(`${where}: bad options: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const v = parsed.data;
  const [h, w, c] = v.shape;
  const d = h * w * c;
  const count = o.labels.length;
  if (o.images.length !== count * d) {
    throw new Error(`${where}: images hold ${o.images.length} values, expected ${count} x ${h}x${w}x${c} = ${count * d}`);
  }
  return { v, h, w, c, d, count };
}

/** Throws when one of the first n labels is outside [0, numClasses). */
export function checkLabels(labels: Int32Array, n: number, numClasses: number, where: string): void {
  for (let i = 0; i < n; i++) {
    if (!(labels[i] >= 0 && labels[i] < numClasses)) throw new Error(`${where}: label ${labels[i]} at index ${i} is outside [0, ${numClasses})`);
  }
}

/** The attack's parameters for one resolved protocol; `seed` is the protocol's seed plus the batch offset. */
export function attackParamsOf(p: EvaluationProtocol, numClasses: number, seed: number): AttackParams {
  return { eps: p.eps, stepSize: p.stepSize ?? p.eps, steps: p.steps, randomStart: true, restarts: p.restarts, numClasses, seed };
}

export async function evaluateRobustness(o: EvaluateOptions): Promise<EvaluateResult> {
  const { v, h, w, c, d } = checkedInput(o, 'evaluateRobustness');
  const protocol = resolveProtocol(v, o.labels.length);
  const attack = getAttack(protocol.attack);
  const n = protocol.n;
  checkLabels(o.labels, n, v.numClasses, 'evaluateRobustness');
  const params = attackParamsOf(protocol, v.numClasses, protocol.seed);
  const perSample = new Uint8Array(n);
  const cleanCorrect = new Uint8Array(n);
  const cleanPredAll = new Int32Array(n);
  const advPredAll = new Int32Array(n);
  const robustAfter: Record<string, number> = Object.fromEntries((attack.parts ?? []).map((a) => [a, 0]));
  let clean = 0;
  const recorder = o.recordIterations === false ? null : new IterationRecorder(n);
  const start = performance.now();
  const report = (done: number): void => {
    const elapsed = (performance.now() - start) / 1000;
    if (done > 0) o.onProgress?.(done, n, (elapsed / done) * (n - done));
  };
  for (let from = 0; from < n; from += v.batchSize) {
    const m = Math.min(v.batchSize, n - from);
    const x = tf.tensor4d(o.images.subarray(from * d, (from + m) * d), [m, h, w, c]);
    const yArr = o.labels.subarray(from, from + m);
    const y = tf.tensor1d(yArr, 'int32');
    const cleanPred = await predictLabels(o.logits, x);
    // Progress inside a batch (after each part of a composite): a batch of AutoAttack can take many minutes.
    const adv = await attackCleanCorrect(attack, o.logits, x, y, cleanPred, yArr, { ...params, seed: protocol.seed + from }, {
      onProgress: (fraction) => report(Math.round(from + m * fraction)),
      onPart: (name, robust) => { robustAfter[name] = (robustAfter[name] ?? 0) + robust; },
      iterations: recorder ? offsetSink(recorder, from) : undefined,
    });
    await checkThreatModel('evaluateRobustness', protocol.attack, x, adv, protocol.eps, from);
    const advPred = await predictLabels(o.logits, adv);
    cleanPredAll.set(cleanPred, from);
    advPredAll.set(advPred, from);
    for (let i = 0; i < m; i++) {
      const ok = cleanPred[i] === yArr[i];
      clean += ok ? 1 : 0;
      cleanCorrect[from + i] = ok ? 1 : 0;
      perSample[from + i] = ok && advPred[i] === yArr[i] ? 1 : 0;
    }
    tf.dispose([x, y, adv]);
    report(from + m);
  }
  let robust = 0;
  for (const f of perSample) robust += f;
  const cleanAccuracy = clean / n;
  const robustAccuracy = robust / n;
  const record = recorder?.finish(cleanCorrect, perSample, protocol.steps) ?? null;
  return {
    attack: protocol.attack, eps: protocol.eps, stepSize: protocol.stepSize, steps: protocol.steps, n,
    cleanAccuracy, robustAccuracy,
    cleanStdErr: standardError(cleanAccuracy, n), robustStdErr: standardError(robustAccuracy, n),
    protocol, perSample, cleanCorrect, cleanPred: cleanPredAll, advPred: advPredAll,
    perAttack: attack.parts ? Object.fromEntries(attack.parts.map((a) => [a, robustAfter[a] / n])) : undefined,
    iterations: record?.points ?? null, breakingIteration: record?.breakingIteration ?? null,
    seconds: (performance.now() - start) / 1000,
  };
}

/** A batch's sink: batch row r is image from + r. */
function offsetSink(sink: IterationSink, from: number): IterationSink {
  return { record: (run, iteration, rows, robust) => sink.record(run, iteration, Array.from(rows, (r) => from + r), robust) };
}

/** Throws when an attack's example leaves the eps-ball (float tolerance 1e-6) or [0, 1].  x, adv: [m,H,W,C] */
export async function checkThreatModel(where: string, attack: string, x: tf.Tensor4D, adv: tf.Tensor4D, eps: number, offset: number): Promise<void> {
  const dist = await linfDistance(x, adv);
  const range = await readTidy(() => tf.stack([tf.min(adv), tf.max(adv)]));
  for (let i = 0; i < dist.length; i++) {
    if (!(dist[i] <= eps + 1e-6)) throw new Error(`${where}: ${attack} moved image ${offset + i} by ${dist[i]} > eps ${eps}`);
  }
  if (range[0] < 0 || range[1] > 1) throw new Error(`${where}: ${attack} produced pixel values in [${range[0]}, ${range[1]}], outside [0, 1]`);
}
