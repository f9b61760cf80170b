/**
 * Loss terms shared by the objectives: cross-entropy, KL between predictions, accuracy, and the
 * training-mode forward passes of a benign batch and its second view. Shapes: logits [B, K].
 */
import { tf } from '../tf.js';
import type { RunConfig } from '../../shared/run-config.js';
import type { AdversaryName } from '../../shared/options.js';
import type { ModelOutput } from '../models/model.js';
import { crossEntropyPerSample } from '../attacks/losses.js';
import type { ObjectiveContext, PreparedBatch, RecordTerm } from './objective.js';
import { TERMS } from '../../shared/terms.js';

/** Mean cross-entropy C(h(x), y) over the batch (eq. 4's terms). */
export function crossEntropy(logits: tf.Tensor2D, y: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => tf.mean(crossEntropyPerSample(logits, y)) as tf.Scalar);
}

/** Per-sample KL(softmax(p) || softmax(q)) = sum_k p_k (log p_k - log q_k).  [B] */
export function klPerSample(logitsP: tf.Tensor2D, logitsQ: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const logP = tf.logSoftmax(logitsP);
    return tf.sum(tf.mul(tf.exp(logP), tf.sub(logP, tf.logSoftmax(logitsQ))), 1) as tf.Tensor1D;
  });
}

/**
 * Batch KL of TRADES and of L_VAT: (1/B) sum_i KL(h(x_i) || h(x_i^a)) (eq. 5; TRADES' sum/batch).
 * `perClass` also divides by the number of classes, as PyTorch's KLDivLoss(reduction='mean') in the
 * authors' code (`vatScaling: 'code'`; docs/paper-vs-code.md).
 */
export function batchKl(nat: tf.Tensor2D, adv: tf.Tensor2D, perClass = false): tf.Scalar {
  return tf.tidy(() => {
    const kl = tf.mean(klPerSample(nat, adv));
    return (perClass ? tf.div(kl, nat.shape[1]) : kl) as tf.Scalar;
  });
}

/** Fraction of rows whose argmax is y (no gradient; a logged term). */
export function accuracy(logits: tf.Tensor2D, y: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.argMax(logits, 1), tf.cast(y, 'int32')), 'float32')) as tf.Scalar);
}

/** argmax predictions [B] int32 (no gradient: argMax's gradient is zero and masks are built in JS). */
export function predictions(logits: tf.Tensor2D): tf.Tensor1D {
  return tf.argMax(logits, 1) as tf.Tensor1D;
}

/**
 * The representation the contrastive loss acts on: the penultimate latent z (paper 4.1), or the
 * projection head's output p(z) when the run has one (supplementary 8.1, Table 6).
 */
export function contrastiveFeatures(out: ModelOutput, config: RunConfig, where: string): tf.Tensor2D {
  if (config.projectionHead === 'none') return out.latent;
  if (!out.projection) {
    throw new Error(`${where}: projectionHead ${JSON.stringify(config.projectionHead)} is configured but the model returned no projection`);
  }
  return out.projection;
}

/**
 * Training-mode forward passes of the benign batch and its second view, as two separate passes
 * (batch-norm statistics per view, as the authors' `model(x_natural)`, `model(x_adv)`).
 */
export function forwardPair(ctx: ObjectiveContext, batch: PreparedBatch, where: string): { nat: ModelOutput; adv: ModelOutput } {
  if (!batch.xAdv) throw new Error(`${where}: the prepared batch has no adversarial / second view (prepare() must build one)`);
  return { nat: ctx.model.forward(batch.x, { training: true }), adv: ctx.model.forward(batch.xAdv, { training: true }) };
}

/** Identity whose gradient is zero (PyTorch's `.detach()`; tfjs-core has no stopGradient op). */
export const stopGradient = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => ({
  value: tf.clone(args[0] as tf.Tensor),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
})) as <T extends tf.Tensor>(x: T) => T;

/** Mean over the batch of the soft cross-entropy -sum_k softmax(target)_k log softmax(logits)_k. */
export function softCrossEntropy(target: tf.Tensor2D, logits: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.neg(tf.sum(tf.mul(tf.softmax(target), tf.logSoftmax(logits)), 1))) as tf.Scalar);
}

/**
 * L_AT, the adversarial-training term every adversarial objective starts from, with its logged
 * terms (TERMS.ceNat, TERMS.ceAdv or TERMS.tradesKl, TERMS.accNat, TERMS.accAdv):
 * `pgd` -> eq. 4, lambdaNat * C(h(x), y) + C(h(x^a), y); `trades` -> C(h(x), y) + tradesBeta * KL
 * (TRADES' sum/batch). Logits [B, K].
 */
export function adversarialTrainingLoss(
  adversary: AdversaryName, nat: tf.Tensor2D, adv: tf.Tensor2D, y: tf.Tensor1D, config: RunConfig,
  record: RecordTerm,
): tf.Scalar {
  const ceNat = crossEntropy(nat, y);
  record(TERMS.ceNat, ceNat);
  record(TERMS.accNat, accuracy(nat, y));
  record(TERMS.accAdv, accuracy(adv, y));
  if (adversary === 'trades') {
    const kl = batchKl(nat, adv);
    record(TERMS.tradesKl, kl);
    return tf.add(ceNat, tf.mul(kl, config.tradesBeta)) as tf.Scalar;
  }
  const ceAdv = crossEntropy(adv, y);
  record(TERMS.ceAdv, ceAdv);
  return tf.add(tf.mul(ceNat, config.lambdaNat), ceAdv) as tf.Scalar;
}
