/**
 * FAB-T (Croce & Hein 2020b, "Minimally distorted adversarial examples with a fast adaptive
 * boundary attack"), L-inf, targeted, as AutoAttack's standard version runs it (fab_base.py,
 * fab_pt.py): alpha_max 0.1, eta 1.05, beta 0.9, 100 iterations, no random start (restart 0),
 * targets c = 2..10 of the clean logit ranking, each only on points not fooled yet.
 * Each iteration linearises g = z_t - z_y at x1, projects both x1 and the original x0 onto the
 * hyperplane g = 0 (minimal L-inf steps d1, d2 inside the box), and moves to
 * ((x1 + eta d1)(1 - alpha) + (x0 + eta d2) alpha), alpha = clip(|d1| / (|d1| + |d2|), 0, alpha_max).
 * When x1 is adversarial it is kept if closer to x0 than the best so far, then pulled back:
 * x1 = x0 + beta (x1 - x0). A point counts as broken only if its best example is misclassified and
 * within eps (fab_base.py perturb); otherwise the clean point is returned.
 */
import { tf } from '../tf.js';
import type { Attack, AttackHooks, AttackParams } from './attack.js';
import { passTrace, type PassTrace } from './iteration-trace.js';
import { iterationCheckpoints } from '../../shared/iterations.js';
import type { LogitsFn } from '../models/model.js';
import { targetedLogitGap } from './losses.js';
import { untilBroken } from './until-broken.js';
import { labelsOf, lossAndGrad, predictLabels } from './batch-ops.js';
import { rankedClass } from './apgd-t.js';
import { projectLinfHyperplane } from './fab-projection.js';
import { autoAttackPartDefaults } from './defaults.js';

export const FAB_STANDARD = { nIter: 100, alphaMax: 0.1, eta: 1.05, beta: 0.9, targets: 9 } as const;

/** One FAB-T run towards target rank c on all rows of x0 (all correctly classified). */
export async function fabTargetedRun(f: LogitsFn, x0: tf.Tensor4D, y: tf.Tensor1D, c: number, eps: number, nIter: number, trace?: PassTrace): Promise<tf.Tensor4D> {
  const [b, h, w, ch] = x0.shape;
  const d = h * w * ch;
  const labels = await labelsOf(y);
  const im = Float32Array.from(await x0.data());
  const t = tf.tensor1d(await rankedClass(f, x0, c), 'int32');
  const x1 = Float32Array.from(im);
  const adv = Float32Array.from(im);
  const best = new Float64Array(b).fill(1e10);
  const d1 = new Float32Array(d);
  const d2 = new Float32Array(d);
  // Per-iteration record: robust until an example within eps was found (the success rule below).
  const traceAt = new Set(trace ? iterationCheckpoints(nIter) : []);
  try {
  for (let iter = 0; iter < nIter; iter++) {
    const x1t = tf.tensor4d(x1, x0.shape);
    const r = lossAndGrad(f, (z) => targetedLogitGap(z, y, t), x1t);
    // One read per linearisation: [grad (B*d); g(x1) (B)].
    const packed = tf.tidy(() => tf.concat([tf.reshape(r.grad, [-1]), r.loss]));
    tf.dispose([x1t, r.grad, r.logits, r.loss]);
    const gdf = (await packed.data().finally(() => packed.dispose())) as Float32Array;
    const g = gdf.subarray(0, b * d);
    const df = gdf.subarray(b * d);
    for (let i = 0; i < b; i++) {
      const o = i * d;
      const gi = g.subarray(o, o + d);
      const xi = x1.subarray(o, o + d);
      const x0i = im.subarray(o, o + d);
      // Hyperplane of the linearisation: g(x1) + gi.(x - x1) = 0  <=>  gi.x = gi.x1 - g(x1).
      let bPlane = -df[i];
      for (let j = 0; j < d; j++) bPlane += gi[j] * xi[j];
      projectLinfHyperplane(xi, gi, bPlane, d1);
      projectLinfHyperplane(x0i, gi, bPlane, d2);
      const a1 = Math.max(maxAbs(d1), 1e-8);
      const a2 = Math.max(maxAbs(d2), 1e-8);
      const alpha = Math.min(Math.max(a1 / (a1 + a2), 0), FAB_STANDARD.alphaMax);
      const eta = FAB_STANDARD.eta;
      for (let j = 0; j < d; j++) {
        const v = (xi[j] + eta * d1[j]) * (1 - alpha) + (x0i[j] + eta * d2[j]) * alpha;
        xi[j] = v < 0 ? 0 : v > 1 ? 1 : v;
      }
    }
    const x1t2 = tf.tensor4d(x1, x0.shape);
    const pred = await predictLabels(f, x1t2).finally(() => x1t2.dispose());
    for (let i = 0; i < b; i++) {
      if (pred[i] === labels[i]) continue;
      const o = i * d;
      let dist = 0;
      for (let j = 0; j < d; j++) dist = Math.max(dist, Math.abs(x1[o + j] - im[o + j]));
      if (dist < best[i]) { best[i] = dist; adv.set(x1.subarray(o, o + d), o); }
      for (let j = 0; j < d; j++) x1[o + j] = im[o + j] + (x1[o + j] - im[o + j]) * FAB_STANDARD.beta;
    }
    if (trace && traceAt.has(iter + 1)) trace(iter + 1, Array.from(best, (v) => (v > eps ? 1 : 0)));
  }
  } finally {
    t.dispose();
  }
  // Success needs the example within eps; the rest get the clean point back.
  for (let i = 0; i < b; i++) if (best[i] > eps) adv.set(im.subarray(i * d, (i + 1) * d), i * d);
  return tf.tensor4d(adv, x0.shape);
}

function maxAbs(a: Float32Array): number {
  let m = 0;
  for (let j = 0; j < a.length; j++) { const v = Math.abs(a[j]); if (v > m) m = v; }
  return m;
}

export async function fabTargeted(f: LogitsFn, x: tf.Tensor4D, y: tf.Tensor1D, p: AttackParams,
  nIter: number = FAB_STANDARD.nIter, nTargets: number = FAB_STANDARD.targets, hooks: AttackHooks = {}): Promise<tf.Tensor4D> {
  const targets = Math.min(nTargets, p.numClasses - 1);
  return untilBroken(f, x, y, targets, (xs, ys, run, idx) => fabTargetedRun(f, xs, ys, 2 + run, p.eps, nIter, passTrace(hooks.iterations, run, idx)));
}

export const fabTAttack: Attack = {
  name: 'fab-t',
  capabilities: { minClasses: 2, targets: FAB_STANDARD.targets, step: 'own', configurableSteps: true },
  defaults: autoAttackPartDefaults(FAB_STANDARD.nIter),
  // Alone, `steps` sets the iterations (100 in AutoAttack, which ignores it).
  async run(f, x, y, params, hooks) { return fabTargeted(f, x, y, params, params.steps, FAB_STANDARD.targets, hooks); },
};
