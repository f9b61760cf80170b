/**
 * Multi-targeted PGD (Gowal et al. 2019, "An alternative surrogate loss for PGD-based
 * adversarial testing", arXiv:1910.09338): one PGD run per target class t != y that maximises
 * the logit gap z_t - z_y, from a uniform random start, with PGD's eps / step / steps. A point is
 * robust only if every target fails; each run attacks only the points no earlier run broke.
 * Targets are visited in decreasing order of the clean logit (most likely confusion first), so
 * most points are broken by the first targets; all K - 1 targets are tried (x restarts).
 */
import { tf } from '../tf.js';
import type { Attack, AttackHooks, AttackParams } from './attack.js';
import type { LogitsFn } from '../models/model.js';
import { targetedLogitGap } from './losses.js';
import { untilBroken } from './until-broken.js';
import { Rng } from '../rng.js';
import { evaluationPgdDefaults } from './defaults.js';
import { readTidy } from '../read.js';
import { pgdTraced } from './pgd.js';
import { passTrace } from './iteration-trace.js';

/** For each row, the classes other than y ordered by decreasing clean logit.  [B][K-1] */
function targetOrder(logits: Float32Array, labels: Int32Array, k: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < labels.length; i++) {
    const cls: number[] = [];
    for (let j = 0; j < k; j++) if (j !== labels[i]) cls.push(j);
    cls.sort((a, b) => logits[i * k + b] - logits[i * k + a] || a - b);
    out.push(cls);
  }
  return out;
}

export async function multiTargetedPgd(f: LogitsFn, x: tf.Tensor4D, y: tf.Tensor1D, p: AttackParams, hooks: AttackHooks = {}): Promise<tf.Tensor4D> {
  const k = p.numClasses;
  if (k < 2) throw new Error(`mpgd: needs at least 2 classes, got ${k}`);
  const rng = new Rng(p.seed);
  const cleanLogits = (await readTidy(() => f(x))) as Float32Array;
  const order = targetOrder(cleanLogits, Int32Array.from(await y.data()), k);
  const runs = (k - 1) * Math.max(1, p.restarts);
  return untilBroken(f, x, y, runs, async (xs, ys, run, idx) => {
    // run r attacks target number r mod (K-1) of each point in its own ranking.
    const t = tf.tensor1d(idx.map((i) => order[i][run % (k - 1)]), 'int32');
    const loss = (xa: tf.Tensor4D) => tf.sum(targetedLogitGap(f(xa), ys, t)) as tf.Scalar;
    try {
      return await pgdTraced(f, loss, xs, ys, { eps: p.eps, stepSize: p.stepSize, steps: p.steps, randomStart: true, seed: rng.seed() },
        passTrace(hooks.iterations, run, idx));
    } finally { t.dispose(); }
  });
}

export const mpgd: Attack = {
  name: 'mpgd',
  capabilities: { minClasses: 2, targets: 'all', step: 'fixed', configurableSteps: true },
  defaults: evaluationPgdDefaults,
  async run(f, x, y, params, hooks) { return multiTargetedPgd(f, x, y, params, hooks); },
};
