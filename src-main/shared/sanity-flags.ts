/**
 * Evaluation sanity flags: warnings that an evaluation may look robust because the attack failed
 * (gradient masking, too few iterations), computed from a run's stored evaluations alone. Pure and
 * TensorFlow-free; the store attaches them to every EvalRow it hands out. The checks are those of
 * Athalye, Carlini & Wagner 2018 ("Obfuscated Gradients Give a False Sense of Security", Section 3.1)
 * and Carlini et al. 2019 ("On Evaluating Adversarial Robustness", arXiv:1902.06705). Two evaluations
 * are compared only like-for-like: same dataset, same checkpoint, same n of the same test split (the
 * first n images, so the same images) and, where the check needs it, the same eps (within 1e-9).
 * Thresholds (chosen here, stated in every reason):
 * - black-box-stronger: Square breaks at least BLACK_BOX_MIN_SHARE of the n images (and at least one)
 *   that an iterative white-box attack (PGD, mPGD, APGD-CE, APGD-T, FAB-T) left robust.
 * - not-decreasing-in-eps: with every other parameter equal, robust accuracy at a larger eps exceeds
 *   that at a smaller one by more than two standard errors of the difference and by at least one image.
 * - high-at-large-eps: robust accuracy above WELL_ABOVE_ZERO (10 %) at eps >= LARGE_EPS of the dataset
 *   (64/255 on CIFAR and the synthetic set, 8x the paper's 8/255; 0.5 on MNIST, where every image can
 *   be moved to the same mid-grey image).
 * - fgsm-stronger: FGSM leaves fewer images robust than PGD, mPGD or APGD-CE at the same eps.
 * - still-falling: robust accuracy fell by at least STILL_FALLING_DROP (1 %, and at least one image)
 *   over the last checkpoint interval of the per-iteration record (from the clean accuracy when there
 *   is one checkpoint; not for FGSM, one step by definition), over the last restart, or compared with
 *   the same attack run with more iterations or restarts.
 */
import type { EvaluationProtocol } from './evaluation.js';
import type { DatasetName } from './options.js';
import type { IterationPoint, SanityFlag, SanityFlagKind } from './rows.js';

export const BLACK_BOX_MIN_SHARE = 0.01;
export const WELL_ABOVE_ZERO = 0.1;
export const LARGE_EPS: Readonly<Record<DatasetName, number>> = { cifar10: 64 / 255, cifar100: 64 / 255, synthetic: 64 / 255, mnist: 0.5 };
export const STILL_FALLING_DROP = 0.01;

const ATHALYE = 'Athalye, Carlini & Wagner 2018, "Obfuscated Gradients Give a False Sense of Security", Section 3.1';
const CARLINI = 'Carlini et al. 2019, "On Evaluating Adversarial Robustness"';
export const FLAG_REFERENCES: Readonly<Record<SanityFlagKind, string>> = {
  'black-box-stronger': `${ATHALYE}: "Black-box attacks are better than white-box attacks"; ${CARLINI}: white-box attacks should be at least as strong as black-box ones`,
  'not-decreasing-in-eps': `${ATHALYE}: "Increasing distortion bound does not increase success"; ${CARLINI}: a larger budget should strictly increase attack success`,
  'high-at-large-eps': `${ATHALYE}: "Unbounded attacks do not reach 100% success"; ${CARLINI}: a large enough budget should break every image`,
  'fgsm-stronger': `${ATHALYE}: "One-step attacks perform better than iterative attacks"; ${CARLINI}: iterative attacks should be stronger than single-step ones`,
  'still-falling': `${CARLINI}: run attacks to convergence; more iterations and more random restarts should not lower robust accuracy further`,
};

/** What the checks read of one stored evaluation. */
export interface FlagEvaluation {
  id: number;
  attack: string;
  eps: number;
  steps: number | null;
  stepSize: number | null;
  n: number;
  cleanAccuracy: number;
  robustAccuracy: number;
  protocol: EvaluationProtocol | null;
  checkpointEpoch: number | null;
  /** 1 = robust, per image; null where not stored.  [n] */
  outcomes: Uint8Array | null;
  iterations: IterationPoint[] | null;
}

const ITERATIVE_WHITE_BOX = ['pgd', 'mpgd', 'apgd-ce', 'apgd-t', 'fab-t'];
const FGSM_RIVALS = ['pgd', 'mpgd', 'apgd-ce'];
/** Attacks whose passes are restarts (not targets): the last-restart check reads them. */
const RESTART_PASSES = ['pgd', 'apgd-ce', 'square'];

const pc = (v: number): string => `${(v * 100).toFixed(2)}%`;
const sameEps = (a: FlagEvaluation, b: FlagEvaluation): boolean => Math.abs(a.eps - b.eps) <= 1e-9;
const restartsOf = (e: FlagEvaluation): number => e.protocol?.restarts ?? 1;
const label = (e: FlagEvaluation): string => `${e.attack}${e.steps !== null ? `-${e.steps}` : ''}${restartsOf(e) > 1 ? ` x${restartsOf(e)} restarts` : ''} (evaluation ${e.id})`;

/** The step size tied to eps (FGSM: step = eps) on both, or the same fixed step (PGD), or none (APGD, Square). */
const tiedToEps = (e: FlagEvaluation): boolean => e.stepSize !== null && Math.abs(e.stepSize - e.eps) <= 1e-12;
const sameStepRule = (a: FlagEvaluation, b: FlagEvaluation): boolean => (tiedToEps(a) && tiedToEps(b)) || a.stepSize === b.stepSize;

/** Same images of the same model: dataset, checkpoint, n and test split size. */
function sameImages(a: FlagEvaluation, b: FlagEvaluation): boolean {
  return a.n === b.n && a.checkpointEpoch === b.checkpointEpoch && a.protocol?.dataset === b.protocol?.dataset
    && a.protocol?.testSetSize === b.protocol?.testSetSize;
}

/** A fall of `drop` (a fraction of n images) counts when it is at least STILL_FALLING_DROP and at least one image. */
const falls = (drop: number, n: number): boolean => drop >= STILL_FALLING_DROP - 1e-12 && drop * n >= 1 - 1e-9;

/** Every flag of a run's evaluations, in evaluation order. */
export function sanityFlags(evals: readonly FlagEvaluation[]): SanityFlag[] {
  const out: SanityFlag[] = [];
  const flag = (kind: SanityFlagKind, e: FlagEvaluation, relatedIds: number[], reason: string): void => {
    out.push({ kind, evaluationId: e.id, relatedIds, reason, reference: FLAG_REFERENCES[kind] });
  };
  for (const e of evals) {
    const peers = evals.filter((o) => o.id !== e.id && sameImages(e, o));
    if (ITERATIVE_WHITE_BOX.includes(e.attack) && e.outcomes) {
      for (const s of peers) {
        if (s.attack !== 'square' || !sameEps(e, s) || !s.outcomes || s.outcomes.length !== e.outcomes.length) continue;
        let k = 0;
        for (let i = 0; i < e.outcomes.length; i++) if (e.outcomes[i] === 1 && s.outcomes[i] === 0) k++;
        if (k >= 1 && k / e.n >= BLACK_BOX_MIN_SHARE) {
          flag('black-box-stronger', e, [s.id], `Square (black-box, evaluation ${s.id}) broke ${k} of the ${e.n} images (${pc(k / e.n)}, threshold ${pc(BLACK_BOX_MIN_SHARE)}) ` +
            `that ${label(e)} left robust at the same eps ${e.eps.toFixed(5)}: the gradients may be masked`);
        }
      }
    }
    let worst: { o: FlagEvaluation; rise: number; margin: number } | null = null;
    for (const o of peers) {
      if (o.attack !== e.attack || !(o.eps < e.eps - 1e-9) || o.steps !== e.steps || !sameStepRule(o, e) || restartsOf(o) !== restartsOf(e)) continue;
      const rise = e.robustAccuracy - o.robustAccuracy;
      const margin = 2 * Math.sqrt((e.robustAccuracy * (1 - e.robustAccuracy) + o.robustAccuracy * (1 - o.robustAccuracy)) / e.n);
      if (rise > margin && rise * e.n >= 1 - 1e-9 && (!worst || rise > worst.rise)) worst = { o, rise, margin };
    }
    if (worst) {
      flag('not-decreasing-in-eps', e, [worst.o.id], `robust accuracy ${pc(e.robustAccuracy)} at eps ${e.eps.toFixed(5)} is above ${pc(worst.o.robustAccuracy)} ` +
        `at the smaller eps ${worst.o.eps.toFixed(5)} (evaluation ${worst.o.id}) by ${pc(worst.rise)}, more than two standard errors (${pc(worst.margin)})`);
    }
    const dataset = e.protocol?.dataset;
    if (dataset && e.eps >= LARGE_EPS[dataset] - 1e-9 && e.robustAccuracy > WELL_ABOVE_ZERO) {
      flag('high-at-large-eps', e, [], `robust accuracy ${pc(e.robustAccuracy)} at eps ${e.eps.toFixed(5)}, a large budget on ${dataset} (>= ${LARGE_EPS[dataset].toFixed(5)}), ` +
        `is well above 0 (above ${pc(WELL_ABOVE_ZERO)}): the attack fails where almost every image can be broken`);
    }
    if (FGSM_RIVALS.includes(e.attack)) {
      for (const f of peers) {
        if (f.attack !== 'fgsm' || !sameEps(e, f)) continue;
        const fewer = Math.round((e.robustAccuracy - f.robustAccuracy) * e.n);
        if (fewer >= 1) {
          flag('fgsm-stronger', e, [f.id], `FGSM (evaluation ${f.id}) leaves ${pc(f.robustAccuracy)} robust, ${fewer} image(s) fewer than ${label(e)} ` +
            `with ${pc(e.robustAccuracy)} at the same eps ${e.eps.toFixed(5)}`);
        }
      }
    }
    stillFalling(e, peers, flag);
  }
  return out;
}

function stillFalling(e: FlagEvaluation, peers: FlagEvaluation[], flag: (kind: SanityFlagKind, e: FlagEvaluation, related: number[], reason: string) => void): void {
  // FGSM is one step by definition: its record has nothing to converge (fgsm-stronger judges it instead).
  const pts = e.attack === 'fgsm' ? [] : e.iterations ?? [];
  const last = pts.at(-1);
  if (last) {
    const prev = pts.length >= 2 ? pts[pts.length - 2] : null;
    const before = prev ? prev.robustAccuracy : e.cleanAccuracy;
    // A cumulative eps-grid point starts from the images robust at the previous eps, not from the clean ones.
    const g = e.protocol?.grid;
    const startNotClean = !prev && g?.rule === 'cumulative' && g.index > 0 && g.eps[g.index - 1] > 0;
    if (!startNotClean && falls(before - last.robustAccuracy, e.n)) {
      flag('still-falling', e, [], `robust accuracy still fell by ${pc(before - last.robustAccuracy)} over the last checkpoint interval, ` +
        `${prev ? `from ${pc(before)} at iteration ${prev.total}` : `from the clean ${pc(before)}`} to ${pc(last.robustAccuracy)} at iteration ${last.total} ` +
        `(threshold ${pc(STILL_FALLING_DROP)}): more iterations would likely lower it further`);
    }
    const runs = last.run + 1;
    if (RESTART_PASSES.includes(e.attack) && runs >= 2) {
      const endOf = (r: number): IterationPoint | undefined => pts.filter((p) => p.run === r).at(-1);
      const a = endOf(runs - 2);
      if (a && falls(a.robustAccuracy - last.robustAccuracy, e.n)) {
        flag('still-falling', e, [], `the last restart (${runs} of ${restartsOf(e)}) still lowered robust accuracy by ${pc(a.robustAccuracy - last.robustAccuracy)}, ` +
          `from ${pc(a.robustAccuracy)} to ${pc(last.robustAccuracy)} (threshold ${pc(STILL_FALLING_DROP)}): more restarts would likely lower it further`);
      }
    }
  }
  for (const o of peers) {
    if (o.attack !== e.attack || !sameEps(e, o) || o.stepSize !== e.stepSize) continue;
    const moreSteps = (o.steps ?? 0) >= (e.steps ?? 0) && restartsOf(o) >= restartsOf(e) && ((o.steps ?? 0) > (e.steps ?? 0) || restartsOf(o) > restartsOf(e));
    const drop = e.robustAccuracy - o.robustAccuracy;
    if (moreSteps && falls(drop, e.n)) {
      flag('still-falling', e, [o.id], `${label(o)} leaves ${pc(o.robustAccuracy)} robust, ${pc(drop)} below ${label(e)} ` +
        `(threshold ${pc(STILL_FALLING_DROP)}): this evaluation stopped before the attack converged`);
    }
  }
}
