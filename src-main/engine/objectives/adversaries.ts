/**
 * The training adversaries (outside the gradient tape, no weight gradients):
 * - PGD (Madry et al. 2018; eq. 4's inner max): ascend the cross-entropy, uniform random start.
 * - TRADES (Zhang et al. 2019): ascend KL(h(x) || h(x')), start x + 0.001 * N(0, 1). The start is an
 *   assumption for TRADES-ASCL: the paper does not state it; it is the start of the authors' trades.py
 *   and adr_trades (and of the TRADES code), but their ascl_trades calls pgd_attack(loss_type='kl'),
 *   which starts uniformly in the eps-ball (delta ~ U(-eps, eps), clamped to [0, 1]).
 * Both use the run's eps / step / steps (paper 4.1: k = 10, eps 8/255, step 2/255 on CIFAR-10).
 *
 * Model mode during the attack (`config.trainAttackMode`): `train` (default) follows the authors'
 * code (pgd.py, trades.py: the attack runs with the model in training mode, citing Pang et al. 2020,
 * so batch-norm uses batch statistics and its running statistics are also updated by the attack's
 * passes); `eval` attacks the inference-mode model as the original TRADES code. The paper does not
 * state the mode; `train` is the authors' habit in their public code. That code cannot have produced
 * the tables (it has no ResNet20, no CIFAR-100, and trains with SGD for 120 epochs), so this default
 * is evidence of habit, not of the tables' setting (docs/paper-vs-code.md).
 */
import { tf } from '../tf.js';
import { pgdLinf } from '../attacks/pgd-core.js';
import { crossEntropyPerSample } from '../attacks/losses.js';
import type { ObjectiveContext } from './objective.js';
import { klPerSample } from './terms.js';

function attackLogits(ctx: ObjectiveContext, x: tf.Tensor4D): tf.Tensor2D {
  const out = ctx.model.forward(x, { training: ctx.config.trainAttackMode === 'train' });
  // Only the logits are differentiated; the latent/projection are released inside the caller's tidy.
  return out.logits;
}

/** PGD-CE adversarial examples [B, H, W, C] (caller disposes). */
export function pgdAdversary(ctx: ObjectiveContext, x: tf.Tensor4D, y: tf.Tensor1D): tf.Tensor4D {
  const { config } = ctx;
  return pgdLinf((xa) => tf.tidy(() => tf.sum(crossEntropyPerSample(attackLogits(ctx, xa), y)) as tf.Scalar), x, {
    eps: ctx.eps, stepSize: ctx.stepSize, steps: config.pgdSteps, randomStart: config.randomStart, seed: ctx.rng.seed(),
  });
}

/** TRADES' KL-PGD adversarial examples [B, H, W, C] (caller disposes). */
export function tradesAdversary(ctx: ObjectiveContext, x: tf.Tensor4D): tf.Tensor4D {
  const { config } = ctx;
  const natLogits = tf.tidy(() => attackLogits(ctx, x)); // constant target h(x)
  try {
    return pgdLinf((xa) => tf.tidy(() => tf.sum(klPerSample(natLogits, attackLogits(ctx, xa))) as tf.Scalar), x, {
      eps: ctx.eps, stepSize: ctx.stepSize, steps: config.pgdSteps, randomStart: false, gaussianStart: 0.001, seed: ctx.rng.seed(),
    });
  } finally {
    natLogits.dispose();
  }
}

/** The adversary of `config.adversary` (ASCL and ADR sit on top of either, Table 4). */
export function configuredAdversary(ctx: ObjectiveContext, x: tf.Tensor4D, y: tf.Tensor1D): tf.Tensor4D {
  return ctx.config.adversary === 'trades' ? tradesAdversary(ctx, x) : pgdAdversary(ctx, x, y);
}
