import { tf } from '../tf.js';
import type { Objective } from './objective.js';
import { tradesAdversary } from './adversaries.js';
import { adversarialTrainingLoss, forwardPair } from './terms.js';

/**
 * TRADES (Zhang et al. 2019): C(h(x), y) + beta * KL(h(x) || h(x')), x' from the KL-PGD adversary
 * started at x + 0.001 * N(0, 1); the KL is summed over classes and averaged over the batch
 * (TRADES' `sum / batch_size`). beta = config.tradesBeta: 6 is an assumption (the paper gives none;
 * the authors' run_baseline.py and the TRADES paper's CIFAR-10 runs use 6).
 */
export const tradesObjective: Objective = {
  name: 'trades',
  prepare: (ctx, x, y) => ({ x, y, xAdv: tradesAdversary(ctx, x) }),
  loss(ctx, batch, record) {
    return tf.tidy(() => {
      const { nat, adv } = forwardPair(ctx, batch, 'tradesObjective');
      return adversarialTrainingLoss('trades', nat.logits, adv.logits, batch.y, ctx.config, record);
    });
  },
};
