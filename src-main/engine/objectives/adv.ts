import { tf } from '../tf.js';
import type { Objective } from './objective.js';
import { pgdAdversary } from './adversaries.js';
import { adversarialTrainingLoss, forwardPair } from './terms.js';

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
      return adversarialTrainingLoss('pgd', nat.logits, adv.logits, batch.y, ctx.config, record);
    });
  },
};
