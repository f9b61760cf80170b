/**
 * Robust accuracy over a grid of eps values in one job: one clean pass per batch, then the attack
 * at each eps of the grid (ascending), one EvaluateResult per grid point (./evaluate.ts's shape,
 * each with its own protocol).
 *
 * Cumulative worst case. For the attacks of CUMULATIVE_ATTACKS an image broken at a smaller eps
 * counts as broken at every larger eps of the grid and is not attacked again: the L-inf ball of a
 * larger eps contains the smaller one, so the adversarial example found there is also a valid one
 * at the larger eps. The figure at eps_j is then "robust to the attack run at every grid eps <= eps_j",
 * an upper bound on robust accuracy at least as tight as the attack alone at eps_j, and
 * non-increasing in eps by construction (none of these attacks guarantees that per point by itself:
 * PGD's random start and step schedule differ with eps). FGSM is not in the set: the grid is meant to
 * show FGSM as it is, and a non-monotone FGSM curve is itself a sign of gradient masking
 * (Carlini et al. 2019), so each eps attacks every clean-correct image afresh.
 * eps = 0 is no attack: robust there means clean-correct.
 * Each attacked grid point keeps its per-iteration record (attacks/iteration-trace.ts); under the
 * cumulative rule it starts from the images robust at the previous grid eps, and a breaking iteration
 * of 0 there means broken at a smaller eps or clean-misclassified.
 */
import { tf } from '../tf.js';
import type { AttackName } from '../../shared/options.js';
import { standardError } from '../../shared/evaluation.js';
import { attackCleanCorrect, getAttack } from '../attacks/index.js';
import { predictLabels } from '../attacks/batch-ops.js';
import { resolveProtocol } from './protocol.js';
import { attackParamsOf, checkLabels, checkThreatModel, checkedInput, type EvaluateOptions, type EvaluateResult } from './evaluate.js';
import { IterationRecorder, mappedSink } from '../attacks/iteration-trace.js';

/** Attacks whose grid figures follow the cumulative worst-case rule above. */
export const CUMULATIVE_ATTACKS: readonly AttackName[] = ['pgd', 'mpgd', 'apgd-ce', 'apgd-t', 'fab-t', 'square', 'aa'];

export function isCumulative(attack: AttackName): boolean {
  return CUMULATIVE_ATTACKS.includes(attack);
}

export interface EpsGridOptions extends Omit<EvaluateOptions, 'eps'> {
  /** Strictly increasing, each in [0, 1]. */
  epsGrid: readonly number[];
}

export interface EpsGridResult {
  /** One per grid value, in order. */
  points: EvaluateResult[];
  /** 1 = the clean image is classified correctly.  [n] */
  cleanCorrect: Uint8Array;
  cumulative: boolean;
}

/** Throws unless `grid` is a non-empty, strictly increasing list of values in [0, 1]. */
export function checkEpsGrid(grid: readonly number[], where: string): void {
  if (grid.length === 0) throw new Error(`${where}: the eps grid is empty`);
  grid.forEach((e, i) => {
    if (!(Number.isFinite(e) && e >= 0 && e <= 1)) throw new Error(`${where}: eps grid value ${JSON.stringify(e)} is not in [0, 1]`);
    if (i > 0 && !(e > grid[i - 1])) throw new Error(`${where}: the eps grid must be strictly increasing (${grid[i - 1]} then ${e})`);
  });
}

export async function evaluateEpsGrid(o: EpsGridOptions): Promise<EpsGridResult> {
  checkEpsGrid(o.epsGrid, 'evaluateEpsGrid');
  const { v, h, w, c, d, count } = checkedInput({ ...o, eps: undefined }, 'evaluateEpsGrid');
  const protocols = o.epsGrid.map((eps) => resolveProtocol({ ...v, eps }, count));
  const n = protocols[0].n;
  checkLabels(o.labels, n, v.numClasses, 'evaluateEpsGrid');
  const attack = getAttack(v.attack);
  const cumulative = isCumulative(v.attack);
  const g = o.epsGrid.length;
  const robust = o.epsGrid.map(() => new Uint8Array(n));
  const seconds = new Float64Array(g);
  const cleanCorrect = new Uint8Array(n);
  // One per-iteration record per grid point (none at eps = 0, where nothing is attacked).
  const recorders = o.epsGrid.map(() => (o.recordIterations === false ? null : new IterationRecorder(n)));
  const cleanPredAll = new Int32Array(n);
  // Per point, the prediction on the adversarial example that decides it: under the cumulative rule a
  // point broken at a smaller eps keeps the prediction of the example that broke it.
  const advPredAll = o.epsGrid.map(() => new Int32Array(n));
  const start = performance.now();
  for (let from = 0; from < n; from += v.batchSize) {
    const m = Math.min(v.batchSize, n - from);
    const x = tf.tensor4d(o.images.subarray(from * d, (from + m) * d), [m, h, w, c]);
    const yArr = o.labels.subarray(from, from + m);
    const y = tf.tensor1d(yArr, 'int32');
    try {
      const cleanPred = await predictLabels(o.logits, x);
      for (let i = 0; i < m; i++) cleanCorrect[from + i] = cleanPred[i] === yArr[i] ? 1 : 0;
      cleanPredAll.set(cleanPred, from);
      // Points still to attack, as predictions: -1 marks a point attackCleanCorrect must skip.
      const alive = Int32Array.from(cleanPred, (p, i) => (p === yArr[i] ? p : -1));
      for (let j = 0; j < g; j++) {
        const t0 = performance.now();
        const p = protocols[j];
        const out = robust[j];
        const pred = advPredAll[j];
        if (p.eps === 0) {
          for (let i = 0; i < m; i++) out[from + i] = cleanCorrect[from + i];
          pred.set(cleanPred, from);
        } else {
          const params = attackParamsOf(p, v.numClasses, p.seed + from);
          const rec = recorders[j];
          const hooks = rec ? { iterations: mappedSink(rec, Array.from({ length: m }, (_, i) => from + i)) } : undefined;
          const adv = await attackCleanCorrect(attack, o.logits, x, y, cumulative ? alive : cleanPred, yArr, params, hooks);
          try {
            await checkThreatModel('evaluateEpsGrid', v.attack, x, adv, p.eps, from);
            const advPred = await predictLabels(o.logits, adv);
            for (let i = 0; i < m; i++) out[from + i] = (cumulative ? alive[i] >= 0 : cleanCorrect[from + i] === 1) && advPred[i] === yArr[i] ? 1 : 0;
            for (let i = 0; i < m; i++) pred[from + i] = cumulative && alive[i] < 0 ? (j > 0 ? advPredAll[j - 1][from + i] : cleanPred[i]) : advPred[i];
          } finally { adv.dispose(); }
        }
        if (cumulative) for (let i = 0; i < m; i++) if (out[from + i] === 0) alive[i] = -1;
        seconds[j] += (performance.now() - t0) / 1000;
        const done = from * g + m * (j + 1);
        const elapsed = (performance.now() - start) / 1000;
        o.onProgress?.(done, n * g, (elapsed / done) * (n * g - done));
      }
    } finally { tf.dispose([x, y]); }
  }
  let clean = 0;
  for (const f of cleanCorrect) clean += f;
  const cleanAccuracy = clean / n;
  const points = protocols.map((p, j): EvaluateResult => {
    // The attack at eps_j starts from the images still robust: under the cumulative rule those of eps_{j-1}.
    const record = recorders[j]?.finish(cumulative && j > 0 ? robust[j - 1] : cleanCorrect, robust[j], p.steps) ?? null;
    let r = 0;
    for (const f of robust[j]) r += f;
    const robustAccuracy = r / n;
    return { attack: p.attack, eps: p.eps, stepSize: p.stepSize, steps: p.steps, n, cleanAccuracy, robustAccuracy,
      cleanStdErr: standardError(cleanAccuracy, n), robustStdErr: standardError(robustAccuracy, n), protocol: p, perSample: robust[j], cleanCorrect,
      iterations: record?.points ?? null, breakingIteration: record?.breakingIteration ?? null,
      cleanPred: cleanPredAll, advPred: advPredAll[j], seconds: seconds[j] };
  });
  return { points, cleanCorrect, cumulative };
}

/** Per image, the index of the smallest grid eps at which it is not robust, or null when robust at every eps.  perEps: [g][n] */
export function smallestBreakingIndex(perEps: readonly Uint8Array[]): Array<number | null> {
  const n = perEps[0]?.length ?? 0;
  return Array.from({ length: n }, (_, i) => {
    const j = perEps.findIndex((r) => r[i] === 0);
    return j < 0 ? null : j;
  });
}
