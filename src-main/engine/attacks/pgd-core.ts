import { tf } from '../tf.js';

/** Loss to ascend, per batch: (xAdv [B,H,W,C]) => scalar. */
export type AdversarialLoss = (xAdv: tf.Tensor4D) => tf.Scalar;

export interface PgdCoreOptions {
  eps: number;
  stepSize: number;
  steps: number;
  /** Uniform start in the eps-ball (Madry et al. 2018), clipped to [0, 1]. */
  randomStart: boolean;
  seed: number;
  /** TRADES' start: x + 0.001 * N(0, 1) instead of the uniform one. */
  gaussianStart?: number;
}

/** Projects onto the L-infinity eps-ball around x, then onto the image box [0, 1]. */
export function projectLinf(xAdv: tf.Tensor4D, x: tf.Tensor4D, eps: number): tf.Tensor4D {
  return tf.tidy(() => tf.clipByValue(tf.minimum(tf.maximum(xAdv, tf.sub(x, eps)), tf.add(x, eps)), 0, 1) as tf.Tensor4D);
}

/**
 * Projected gradient ascent with sign steps (Madry et al. 2018, paper eq. 4's inner max):
 * x_{k+1} = P(x_k + stepSize * sign(grad loss(x_k))). Synchronous, so training steps can call it.
 * Returns a new tensor the caller owns; no variable gradients are taken.
 */
export function pgdLinf(loss: AdversarialLoss, x: tf.Tensor4D, o: PgdCoreOptions): tf.Tensor4D {
  const grad = tf.grad((xa: tf.Tensor) => loss(xa as tf.Tensor4D));
  let xAdv = pgdStart(x, o);
  for (let k = 0; k < o.steps; k++) xAdv = pgdStep(grad, xAdv, x, o);
  return xAdv;
}

/**
 * pgdLinf with a look at the iterates: after iteration k (1-based) of each k in `at`, awaits
 * onIterate(k, x_k). The iterates are exactly pgdLinf's (same start, same steps); onIterate must not
 * dispose x_k.
 */
export async function pgdLinfObserved(loss: AdversarialLoss, x: tf.Tensor4D, o: PgdCoreOptions, at: readonly number[],
  onIterate: (k: number, xAdv: tf.Tensor4D) => Promise<void>): Promise<tf.Tensor4D> {
  const grad = tf.grad((xa: tf.Tensor) => loss(xa as tf.Tensor4D));
  const when = new Set(at);
  let xAdv = pgdStart(x, o);
  for (let k = 0; k < o.steps; k++) {
    xAdv = pgdStep(grad, xAdv, x, o);
    if (when.has(k + 1)) await onIterate(k + 1, xAdv);
  }
  return xAdv;
}

/** x_0: x, or the uniform / Gaussian start projected onto the ball and [0, 1]. */
function pgdStart(x: tf.Tensor4D, o: PgdCoreOptions): tf.Tensor4D {
  return tf.tidy(() => {
    if (o.gaussianStart) return projectLinf(tf.add(x, tf.mul(tf.randomNormal(x.shape, 0, 1, 'float32', o.seed), o.gaussianStart)), x, o.eps);
    if (o.randomStart) return projectLinf(tf.add(x, tf.randomUniform(x.shape, -o.eps, o.eps, 'float32', o.seed)), x, o.eps);
    return tf.clone(x);
  });
}

/** x_{k+1} = P(x_k + stepSize * sign(grad)); disposes x_k. */
function pgdStep(grad: (x: tf.Tensor) => tf.Tensor, xAdv: tf.Tensor4D, x: tf.Tensor4D, o: PgdCoreOptions): tf.Tensor4D {
  const next = tf.tidy(() => projectLinf(tf.add(xAdv, tf.mul(tf.sign(grad(xAdv)), o.stepSize)), x, o.eps));
  xAdv.dispose();
  return next;
}
