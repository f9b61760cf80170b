import { tf } from '../tf.js';
import type { Objective } from './objective.js';
import { configuredAdversary } from './adversaries.js';
import { adversarialTrainingLoss, forwardPair, softCrossEntropy, stopGradient } from './terms.js';

/**
 * ADR (Bui et al. 2020, "Improving adversarial robustness by enforcing local and global
 * compactness"), as the authors' adr.py (`adr_pgd`, `adr_trades`) and compact_loss_pt.py compute it:
 *   L = L_AT + w_lc_com * lc_com + w_lc_smt * lc_smt + w_gb_com * gb_com + w_gb_smt * gb_smt + w_conf * conf
 * - lc_com: mean_i mean_k |sg(z_i) - z_i^a|_k (local compactness; gradient through the adversarial latent only)
 * - lc_smt: mean_i CE(softmax(sg(h(x_i))), h(x_i^a)) (local smoothness)
 * - gb_com: mean_{i,j} w_ij * mean_k |sg(z_j) - z_i^a|_k with the label weight w_ij = 1 for the same label
 *   and 1 - 1/0.99 (= -0.0101) otherwise (label_weight, scale 0.99): pulls same-class pairs together,
 *   pushes other pairs apart slightly (global compactness)
 * - gb_smt: the pairwise version of lc_smt; weight 0 in the baseline script, so not computed
 * - conf: mean_i entropy of h(x_i^a) (softmax_xent_two(adv, adv))
 * Weights from run_baseline.py (`adr_pgd` / `adr_trades`): lccomw 1, lcsmtw 1, gbcomw 1, gbsmtw 0, confw 1.
 * L_AT follows config.adversary: `pgd` -> lambdaNat * CE(nat) + CE(adv), `trades` -> CE(nat) +
 * tradesBeta * KL (adr_trades: alpha 1, beta 6). A mixed reading, documented in docs/paper-vs-code.md:
 * the weights above come from the authors' script, but lambdaNat defaults to 1, this project's reading
 * of eq. 4 for ADV, whereas the script runs adr_pgd (and pgd_train) with alpha = 0, i.e. lambdaNat 0.
 * Deviation: when every sample of a batch has the same label the authors' weight divides 0 by 0 (NaN);
 * here all weights are then 1.
 */
export const ADR_WEIGHTS = { lcCom: 1, lcSmt: 1, gbCom: 1, gbSmt: 0, conf: 1 } as const;
const ADR_LABEL_SCALE = 0.99;

/**
 * [B, B] label weights w_ij of compact_loss_pt.label_weight with y1 = y2 = y (constant, no read):
 * dNorm_ij = |onehot_i - onehot_j|_1 / max = 1 where y_i != y_j (2 / 2), else 0 (also when all
 * labels agree: the reference's max is then 0 and it keeps 0); w_ij = (0.99 - dNorm) / 0.99, both
 * values computed in float64 and rounded once to float32, as a Float32Array stores them.
 */
function labelWeights(y: tf.Tensor1D): tf.Tensor2D {
  const b = y.shape[0];
  return tf.tidy(() => {
    const differ = tf.notEqual(tf.reshape(y, [b, 1]), tf.reshape(y, [1, b])); // [B, B] bool
    return tf.where(differ, tf.fill([b, b], (ADR_LABEL_SCALE - 1) / ADR_LABEL_SCALE), tf.fill([b, b], (ADR_LABEL_SCALE - 0) / ADR_LABEL_SCALE)) as tf.Tensor2D;
  });
}

export const adrObjective: Objective = {
  name: 'adr',
  prepare: (ctx, x, y) => ({ x, y, xAdv: configuredAdversary(ctx, x, y) }),
  loss(ctx, batch, record) {
    const { config } = ctx;
    return tf.tidy(() => {
      const { nat, adv } = forwardPair(ctx, batch, 'adrObjective');
      const lat = adversarialTrainingLoss(config.adversary, nat.logits, adv.logits, batch.y, config, record);
      const zNat = stopGradient(nat.latent); // [B, D]
      const zAdv = adv.latent; // [B, D]
      const lcCom = tf.mean(tf.abs(tf.sub(zNat, zAdv))) as tf.Scalar;
      const lcSmt = softCrossEntropy(stopGradient(nat.logits), adv.logits);
      // [B(i: adversarial), B(j: natural)] mean_k |z_j - z_i^a|
      const pair = tf.mean(tf.abs(tf.sub(tf.expandDims(zNat, 0), tf.expandDims(zAdv, 1))), 2);
      const gbCom = tf.mean(tf.mul(labelWeights(batch.y), pair)) as tf.Scalar;
      const conf = softCrossEntropy(adv.logits, adv.logits);
      record('lc_com', lcCom);
      record('lc_smt', lcSmt);
      record('gb_com', gbCom);
      record('conf', conf);
      const w = ADR_WEIGHTS;
      return tf.addN([lat, tf.mul(lcCom, w.lcCom), tf.mul(lcSmt, w.lcSmt), tf.mul(gbCom, w.gbCom), tf.mul(conf, w.conf)]) as tf.Scalar;
    });
  },
};
