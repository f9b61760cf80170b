/**
 * PGD (Madry et al. 2018) for evaluation: uniform random start in the eps-ball, `steps` signed
 * gradient steps of `stepSize` on the summed cross-entropy, projection onto the ball and [0, 1];
 * the last iterate is the adversarial example. The paper evaluates with k = 250, eps 8/255,
 * step 2/255 on CIFAR-10 (Section 4.1). With restarts > 1, later restarts run only on points
 * the earlier ones did not break, and a point keeps the first example that fools the model.
 */
import { tf } from '../tf.js';
import type { Attack, AttackParams } from './attack.js';
import type { LogitsFn } from '../models/model.js';
import { pgdLinf } from './pgd-core.js';
import { crossEntropyPerSample } from './losses.js';
import { untilBroken } from './until-broken.js';
import { Rng } from '../rng.js';
import { evaluationPgdDefaults } from './defaults.js';

export async function pgdEval(f: LogitsFn, x: tf.Tensor4D, y: tf.Tensor1D, p: AttackParams): Promise<tf.Tensor4D> {
  if (!(p.steps >= 1)) throw new Error(`pgd: steps must be >= 1, got ${p.steps}`);
  const rng = new Rng(p.seed);
  return untilBroken(f, x, y, Math.max(1, p.restarts), async (xs, ys) => {
    const loss = (xa: tf.Tensor4D) => tf.sum(crossEntropyPerSample(f(xa), ys)) as tf.Scalar;
    return pgdLinf(loss, xs, { eps: p.eps, stepSize: p.stepSize, steps: p.steps, randomStart: p.randomStart, seed: rng.seed() });
  });
}

export const pgd: Attack = {
  name: 'pgd',
  capabilities: { minClasses: 2, targets: null, step: 'fixed', configurableSteps: true },
  defaults: evaluationPgdDefaults,
  async run(f, x, y, params) { return pgdEval(f, x, y, params); },
};
