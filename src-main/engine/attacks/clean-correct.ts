/**
 * How evaluation runs an attack on one batch: the attack's capabilities are checked first, then
 * only the clean-correct points are attacked. A clean-misclassified point is non-robust whatever
 * the attack does (AutoAttack's robust flags start from clean correctness the same way), so
 * attacking it is wasted work: most of the batch on a weak model. The other points keep their
 * clean image. The result is assembled by a gather from [attacked; clean], so every value is
 * exactly one the attack or the input produced.
 */
import { tf } from '../tf.js';
import type { LogitsFn } from '../models/model.js';
import type { Attack, AttackHooks, AttackParams } from './attack.js';
import { mappedSink } from './iteration-trace.js';

/** Throws when the problem does not fit the attack (e.g. APGD-T's targeted DLR on fewer than 4 classes). */
export function checkCapabilities(attack: Attack, numClasses: number): void {
  if (numClasses < attack.capabilities.minClasses) {
    throw new Error(`${attack.name}: needs at least ${attack.capabilities.minClasses} classes, the dataset has ${numClasses}`);
  }
}

/** Adversarial examples for the whole batch [m,H,W,C]; cleanPred / labels are the batch's [m] clean predictions and labels. */
export async function attackCleanCorrect(attack: Attack, f: LogitsFn, x: tf.Tensor4D, y: tf.Tensor1D,
  cleanPred: ArrayLike<number>, labels: ArrayLike<number>, params: AttackParams, hooks?: AttackHooks): Promise<tf.Tensor4D> {
  checkCapabilities(attack, params.numClasses);
  const m = x.shape[0];
  const correct: number[] = [];
  for (let i = 0; i < m; i++) if (cleanPred[i] === labels[i]) correct.push(i);
  if (correct.length === m) return attack.run(f, x, y, params, hooks);
  if (correct.length === 0) {
    // Nothing left to attack: every part of a composite reports no robust point.
    for (const name of attack.parts ?? []) hooks?.onPart?.(name, 0);
    return tf.clone(x);
  }
  const idx = tf.tensor1d(correct, 'int32');
  const xs = tf.gather(x, idx) as tf.Tensor4D;   // [k, H, W, C]
  const ys = tf.gather(y, idx) as tf.Tensor1D;   // [k]
  // The attack reports rows of xs: row j is batch row correct[j].
  const subHooks = hooks?.iterations ? { ...hooks, iterations: mappedSink(hooks.iterations, correct) } : hooks;
  const advSub = await attack.run(f, xs, ys, params, subHooks);
  // Row i of the result: row slot[i] of [advSub; x], i.e. its adversarial example if attacked.
  const slot = new Int32Array(m);
  for (let i = 0; i < m; i++) slot[i] = correct.length + i;
  correct.forEach((i, j) => { slot[i] = j; });
  const adv = tf.tidy(() => tf.gather(tf.concat([advSub, x], 0), tf.tensor1d(slot, 'int32')) as tf.Tensor4D);
  tf.dispose([idx, xs, ys, advSub]);
  return adv;
}
