/**
 * APGD-CE (Croce & Hein 2020): APGD on the cross-entropy, 100 iterations, rho 0.75, one restart
 * (auto-attack's `standard` version, autoattack.py L306-320). Only correctly classified points are
 * attacked; restarts run only on points not yet fooled (autopgd_base.py perturb).
 */
import { tf } from '../tf.js';
import type { Attack, AttackHooks, AttackParams } from './attack.js';
import { passTrace } from './iteration-trace.js';
import type { LogitsFn } from '../models/model.js';
import { apgdSingleRun } from './apgd.js';
import { crossEntropyPerSample } from './losses.js';
import { untilBroken } from './until-broken.js';
import { labelsOf } from './batch-ops.js';
import { Rng } from '../rng.js';
import { autoAttackPartDefaults } from './defaults.js';

export const APGD_STANDARD = { nIter: 100, rho: 0.75, restarts: 1, targets: 9 } as const;

export async function apgdCe(f: LogitsFn, x: tf.Tensor4D, y: tf.Tensor1D, p: AttackParams, nIter: number = APGD_STANDARD.nIter, hooks: AttackHooks = {}): Promise<tf.Tensor4D> {
  const rng = new Rng(p.seed);
  return untilBroken(f, x, y, Math.max(1, p.restarts), async (xs, ys, run, idx) => {
    const { xBestAdv } = await apgdSingleRun(f, xs, await labelsOf(ys), (z) => crossEntropyPerSample(z, ys),
      { eps: p.eps, nIter, rho: APGD_STANDARD.rho, seed: rng.seed(), trace: passTrace(hooks.iterations, run, idx) });
    return xBestAdv;
  });
}

export const apgdCeAttack: Attack = {
  name: 'apgd-ce',
  capabilities: { minClasses: 2, targets: null, step: 'own', configurableSteps: true },
  defaults: autoAttackPartDefaults(APGD_STANDARD.nIter),
  // Alone, `steps` sets the iterations (100 in AutoAttack, which ignores it).
  async run(f, x, y, params, hooks) { return apgdCe(f, x, y, params, params.steps, hooks); },
};
