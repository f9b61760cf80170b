import { tf } from '../tf.js';
import type { Objective } from './objective.js';
import { accuracy, crossEntropy } from './terms.js';

/** NAT: natural training, mean cross-entropy on the benign batch. */
export const natObjective: Objective = {
  name: 'nat',
  prepare: (_ctx, x, y) => ({ x, y, xAdv: null }),
  loss(ctx, { x, y }, record) {
    return tf.tidy(() => {
      const out = ctx.model.forward(x, { training: true });
      const ce = crossEntropy(out.logits, y);
      record('ce_nat', ce);
      record('acc_nat', accuracy(out.logits, y));
      return ce;
    });
  },
};
