/**
 * The adversarial view of training images as the run's training adversary makes it (Figure 8's
 * gallery shows the selected samples with their adversarial views): `config.adversary` (PGD-CE or
 * TRADES' KL-PGD, ./adversaries.ts) with the run's budget (eps, step, pgdSteps, random start) on a
 * trained model. It is a regeneration, not the view the step saw: that one depended on the weights
 * in the middle of the epoch, on the step's seed and (trainAttackMode train) on the batch's
 * statistics. Here the attack runs in inference mode (batch-norm statistics frozen, whatever the
 * run's trainAttackMode) with a seed derived from the run's, so the view does not depend on which
 * images are shown together.
 */
import { tf } from '../tf.js';
import type { RunConfig } from '../../shared/run-config.js';
import { attackBudget } from '../../shared/run-config.js';
import type { ClassifierModel } from '../models/model.js';
import { Rng } from '../rng.js';
import { configuredAdversary } from './adversaries.js';

/** Adversarial views [k, H, W, C] (flattened, in [0, 1]) of k training images; `images` holds k rows of H x W x C. */
export async function trainingAdversarialViews(model: ClassifierModel, config: RunConfig, images: Float32Array, labels: Int32Array,
  shape: [number, number, number]): Promise<Float32Array> {
  const [h, w, c] = shape;
  const k = labels.length;
  if (images.length !== k * h * w * c) throw new Error(`trainingAdversarialViews: ${images.length} values for ${k} images of ${h}x${w}x${c}`);
  if (k === 0) return new Float32Array(0);
  const { eps, stepSize } = attackBudget(config);
  const ctx = { model, config: { ...config, trainAttackMode: 'eval' as const }, eps, stepSize, rng: new Rng(config.seed), epoch: 0, step: 0 };
  const x = tf.tensor4d(images, [k, h, w, c]);
  const y = tf.tensor1d(labels, 'int32');
  try {
    const adv = configuredAdversary(ctx, x, y);
    try {
      return Float32Array.from(await adv.data());
    } finally { adv.dispose(); }
  } finally { tf.dispose([x, y]); }
}
