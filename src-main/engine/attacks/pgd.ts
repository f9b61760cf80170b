/**
 * PGD (Madry et al. 2018) for evaluation: uniform random start in the eps-ball, `steps` signed
 * gradient steps of `stepSize` on the summed cross-entropy, projection onto the ball and [0, 1];
 * the last iterate is the adversarial example. The paper evaluates with k = 250, eps 8/255,
 * step 2/255 on CIFAR-10 (Section 4.1). With restarts > 1, later restarts run only on points
 * the earlier ones did not break, and a point keeps the first example that fools the model.
 */
import { tf } from '../tf.js';
import type { Attack, AttackHooks, AttackParams } from './attack.js';
import type { LogitsFn } from '../models/model.js';
import { pgdLinf, pgdLinfObserved, type AdversarialLoss, type PgdCoreOptions } from './pgd-core.js';
import { crossEntropyPerSample } from './losses.js';
import { untilBroken } from './until-broken.js';
import { Rng } from '../rng.js';
import { evaluationPgdDefaults } from './defaults.js';
import { labelsOf, predictLabels } from './batch-ops.js';
import { iterationCheckpoints } from '../../shared/iterations.js';
import { passTrace, stillRobust, type PassTrace } from './iteration-trace.js';

export async function pgdEval(f: LogitsFn, x: tf.Tensor4D, y: tf.Tensor1D, p: AttackParams, hooks: AttackHooks = {}): Promise<tf.Tensor4D> {
  if (!(p.steps >= 1)) throw new Error(`pgd: steps must be >= 1, got ${p.steps}`);
  const rng = new Rng(p.seed);
  return untilBroken(f, x, y, Math.max(1, p.restarts), async (xs, ys, run, idx) => {
    const loss = (xa: tf.Tensor4D) => tf.sum(crossEntropyPerSample(f(xa), ys)) as tf.Scalar;
    const o = { eps: p.eps, stepSize: p.stepSize, steps: p.steps, randomStart: p.randomStart, seed: rng.seed() };
    return pgdTraced(f, loss, xs, ys, o, passTrace(hooks.iterations, run, idx));
  });
}

/**
 * pgdLinf on xs, and with a trace, the robust flags of the iterate x_k at each checkpoint k of
 * iterationCheckpoints(steps) (one extra forward pass per checkpoint; the iterates are the same).
 */
export async function pgdTraced(f: LogitsFn, loss: AdversarialLoss, xs: tf.Tensor4D, ys: tf.Tensor1D, o: PgdCoreOptions,
  trace: PassTrace | undefined): Promise<tf.Tensor4D> {
  if (!trace) return pgdLinf(loss, xs, o);
  const labels = await labelsOf(ys);
  return pgdLinfObserved(loss, xs, o, iterationCheckpoints(o.steps), async (k, xa) => trace(k, stillRobust(await predictLabels(f, xa), labels)));
}

export const pgd: Attack = {
  name: 'pgd',
  capabilities: { minClasses: 2, targets: null, step: 'fixed', configurableSteps: true },
  defaults: evaluationPgdDefaults,
  async run(f, x, y, params, hooks) { return pgdEval(f, x, y, params, hooks); },
};
