import { tf } from '../tf.js';
import type { Objective } from './objective.js';
import { pgdAdversary } from './adversaries.js';
import { accuracy, crossEntropy, forwardPair } from './terms.js';

/**
 * ADV: PGD adversarial training, eq. 4: L_AT = lambdaNat * C(h(x), y) + C(h(x^a), y), x^a from PGD
 * (k = pgdSteps, eps, step, random start). lambdaNat = 1 is the paper's eq. 4; the authors'
 * run_baseline.py trains `pgd_train` with alpha = 0 (no natural term): set lambdaNat 0 for that.
 */
export const advObjective: Objective = {
  name: 'adv',
  prepare: (ctx, x, y) => ({ x, y, xAdv: pgdAdversary(ctx, x, y) }),
  loss(ctx, batch, record) {
    return tf.tidy(() => {
      const { nat, adv } = forwardPair(ctx, batch, 'advObjective');
      const ceNat = crossEntropy(nat.logits, batch.y);
      const ceAdv = crossEntropy(adv.logits, batch.y);
      record('ce_nat', ceNat);
      record('ce_adv', ceAdv);
      record('acc_nat', accuracy(nat.logits, batch.y));
      record('acc_adv', accuracy(adv.logits, batch.y));
      return tf.add(tf.mul(ceNat, ctx.config.lambdaNat), ceAdv) as tf.Scalar;
    });
  },
};
