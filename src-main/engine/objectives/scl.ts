import { tf } from '../tf.js';
import type { Objective } from './objective.js';
import { accuracy, contrastiveFeatures, crossEntropy, forwardPair } from './terms.js';
import { contrastiveOptions, recordedContrastiveLoss } from './supervised-contrastive.js';

/**
 * SCL (Table 2, first row): natural training with CE + lambdaScl * L_SCL, where each image's second
 * view is a random augmentation (the data pipeline's flip + shift, drawn again) instead of an
 * adversarial example; no adversary. The authors' `scl_nat_2trans` trains the SupCon loss alone on two
 * crops and fits the classifier afterwards (02b_linear_train.py); we train both jointly in one run,
 * so the row's natural classifier exists at the end of training.
 */
export const sclObjective: Objective = {
  name: 'scl',
  prepare(ctx, x, y) {
    if (!ctx.augment) throw new Error('sclObjective.prepare: the trainer gave no augment() for the second view');
    return { x, y, xAdv: ctx.augment(x) };
  },
  loss(ctx, batch, record) {
    const { config } = ctx;
    return tf.tidy(() => {
      const { nat, adv: view } = forwardPair(ctx, batch, 'sclObjective');
      const ceNat = crossEntropy(nat.logits, batch.y);
      record('ce_nat', ceNat);
      record('acc_nat', accuracy(nat.logits, batch.y));
      if (config.lambdaScl === 0) return ceNat;
      const scl = recordedContrastiveLoss(
        { nat: contrastiveFeatures(nat, config, 'sclObjective'), adv: contrastiveFeatures(view, config, 'sclObjective') },
        { nat: nat.logits, adv: view.logits }, batch.y, contrastiveOptions(config), record, ctx.onSelectionMasks);
      record('scl', scl);
      return tf.add(ceNat, tf.mul(scl, config.lambdaScl)) as tf.Scalar;
    });
  },
};
