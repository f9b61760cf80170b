/**
 * FGSM (Goodfellow et al. 2015): one signed-gradient step of size eps on the cross-entropy,
 * no random start, clipped to [0, 1]: x' = clip(x + eps * sign(grad_x CE(f(x), y)), 0, 1).
 * As the reference figures' FGSM (test/fixtures/reference-model/README.md).
 */
import { tf } from '../tf.js';
import type { Attack } from './attack.js';
import { crossEntropyPerSample } from './losses.js';
import { pgdTraced } from './pgd.js';
import { passTrace } from './iteration-trace.js';

export const fgsm: Attack = {
  name: 'fgsm',
  capabilities: { minClasses: 2, targets: null, step: 'eps', configurableSteps: false },
  // Not in the paper's evaluation; run like PGD on the full test set.
  defaults: () => ({ stepSize: null, steps: 1, restarts: 1, n: 'all' }),
  async run(f, x, y, params, hooks) {
    const loss = (xa: tf.Tensor4D) => tf.sum(crossEntropyPerSample(f(xa), y)) as tf.Scalar;
    // One pass of one iteration over every row of x.
    return pgdTraced(f, loss, x, y, { eps: params.eps, stepSize: params.eps, steps: 1, randomStart: false, seed: params.seed },
      passTrace(hooks?.iterations, 0, Array.from({ length: x.shape[0] }, (_, i) => i)));
  },
};
