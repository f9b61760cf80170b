/**
 * APGD-T (Croce & Hein 2020): APGD on the targeted DLR loss against the 9 classes with the highest
 * clean logits after the first (target number c = 2..10 is sort(logits)[:, -c]), 100 iterations,
 * one restart per target. Each target runs only on the points no earlier target fooled, and the
 * targets are recomputed from the clean logits of those points (autopgd_base.py L655-668).
 */
import { tf } from '../tf.js';
import type { Attack, AttackHooks, AttackParams } from './attack.js';
import { passTrace } from './iteration-trace.js';
import type { LogitsFn } from '../models/model.js';
import { apgdSingleRun } from './apgd.js';
import { targetedDlr } from './losses.js';
import { untilBroken } from './until-broken.js';
import { labelsOf } from './batch-ops.js';
import { readTidy } from '../read.js';
import { APGD_STANDARD } from './apgd-ce.js';
import { Rng } from '../rng.js';
import { autoAttackPartDefaults } from './defaults.js';

/** Index of the c-th largest logit of each row (c = 1 is the argmax).  [B] */
export async function rankedClass(f: LogitsFn, x: tf.Tensor4D, c: number): Promise<Int32Array> {
  return (await readTidy(() => {
    const { indices } = tf.topk(f(x), c, true);
    return tf.reshape(tf.slice(indices, [0, c - 1], [-1, 1]), [-1]);
  })) as Int32Array;
}

export async function apgdTargeted(f: LogitsFn, x: tf.Tensor4D, y: tf.Tensor1D, p: AttackParams,
  nIter: number = APGD_STANDARD.nIter, nTargets: number = APGD_STANDARD.targets, hooks: AttackHooks = {}): Promise<tf.Tensor4D> {
  const targets = Math.min(nTargets, p.numClasses - 1);
  const restarts = Math.max(1, p.restarts);
  const rng = new Rng(p.seed);
  return untilBroken(f, x, y, targets * restarts, async (xs, ys, run, idx) => {
    const c = 2 + Math.floor(run / restarts);
    const t = tf.tensor1d(await rankedClass(f, xs, c), 'int32');
    try {
      const { xBestAdv } = await apgdSingleRun(f, xs, await labelsOf(ys), (z) => targetedDlr(z, ys, t),
        { eps: p.eps, nIter, rho: APGD_STANDARD.rho, seed: rng.seed(), trace: passTrace(hooks.iterations, run, idx) });
      return xBestAdv;
    } finally {
      t.dispose();
    }
  });
}

export const apgdTAttack: Attack = {
  name: 'apgd-t',
  // The targeted DLR loss needs the 4th largest logit (z_pi4).
  capabilities: { minClasses: 4, targets: APGD_STANDARD.targets, step: 'own', configurableSteps: true },
  defaults: autoAttackPartDefaults(APGD_STANDARD.nIter),
  // Alone, `steps` sets the iterations (100 in AutoAttack, which ignores it).
  async run(f, x, y, params, hooks) { return apgdTargeted(f, x, y, params, params.steps, APGD_STANDARD.targets, hooks); },
};
