/**
 * The evaluation protocol, TensorFlow-free (the store, the service, the CLI and the renderer read it):
 * the paper's per-dataset attack budget for testing, the resolved protocol stored with every
 * evaluation, the standard error of an accuracy measured on n images, and the label of the cheap
 * per-epoch monitoring measurement (which is not the paper's evaluation).
 */
import { z } from 'zod';
import { ATTACKS, DATASETS, type DatasetName } from './options.js';

export interface DatasetEvaluation {
  /** L-infinity budget of the attacks. */
  eps: number;
  /** Step size eta of PGD and mPGD. */
  pgdStepSize: number;
  /** Iterations k of PGD and mPGD. */
  pgdSteps: number;
}

/**
 * Section 4.1, "Attack Setting": PGD and mPGD with k = 250, eps = 8/255, eta = 2/255 on CIFAR-10 and
 * k = 250, eps = 0.01, eta = 0.001 on CIFAR-100; Figures 2, 4, 5 and 6 use the same PGD (k = 250,
 * eta = 2/255). The paper does not evaluate on MNIST: there eps 0.3 and eta 0.01 are Madry et al.
 * (2018)'s MNIST budget and step, with the paper's k = 250. The synthetic set uses CIFAR-10's.
 */
export const EVALUATION_DEFAULTS: Readonly<Record<DatasetName, DatasetEvaluation>> = {
  cifar10: { eps: 8 / 255, pgdStepSize: 2 / 255, pgdSteps: 250 },
  cifar100: { eps: 0.01, pgdStepSize: 0.001, pgdSteps: 250 },
  mnist: { eps: 0.3, pgdStepSize: 0.01, pgdSteps: 250 },
  synthetic: { eps: 8 / 255, pgdStepSize: 2 / 255, pgdSteps: 250 },
};

/** Section 4.1: "We use the full test set for the attacks (i) [PGD, mPGD] and 1000 test samples for the attacks (ii) [AutoAttack]". */
export const AUTOATTACK_TEST_SAMPLES = 1000;

/**
 * The resolved protocol of one evaluation, stored with it (every default filled in). The images are
 * the first n of the test split in file order (as the paper's "1000 test samples" and the reference
 * figures), so no subset seed is needed; `seed` seeds the attack's random starts.
 */
export const EvaluationProtocolSchema = z.object({
  attack: z.enum(ATTACKS),
  dataset: z.enum(DATASETS),
  eps: z.number(),
  /** PGD's fixed step; FGSM's is eps; null where the attack sets its own (APGD, FAB, Square, AutoAttack). */
  stepSize: z.number().nullable(),
  steps: z.number().int(),
  restarts: z.number().int(),
  /** Images evaluated: the first n of the test split. */
  n: z.number().int(),
  /** Size of the whole test split; n < testSetSize is a subset. */
  testSetSize: z.number().int(),
  subset: z.literal('first-n'),
  seed: z.number().int(),
  /** A composite's attacks in the order they ran (AutoAttack), else null. */
  parts: z.array(z.enum(ATTACKS)).nullable(),
  /**
   * Set when the evaluation is one point of an eps grid run in one job (engine/evaluate/eps-grid.ts):
   * the grid's id (shared by its points), its values, this point's index, and whether a point broken
   * at a smaller eps counts broken here ("cumulative" worst case) or each eps was attacked afresh.
   */
  grid: z.object({ id: z.string(), eps: z.array(z.number()), index: z.number().int(), rule: z.enum(['cumulative', 'independent']) }).optional(),
});
export type EvaluationProtocol = z.infer<typeof EvaluationProtocolSchema>;

/** Binomial standard error sqrt(p (1 - p) / n) of an accuracy p measured on n images. */
export function standardError(p: number, n: number): number {
  if (!(n >= 1) || !(p >= 0 && p <= 1)) throw new Error(`standardError: needs 0 <= p <= 1 and n >= 1 (got p = ${p}, n = ${n})`);
  return Math.sqrt((p * (1 - p)) / n);
}

/** "subset of N" when fewer than the whole test split were evaluated, else "full test set". */
export function subsetLabel(n: number, testSetSize: number | null): string {
  if (testSetSize === null) return `${n} images`;
  return n < testSetSize ? `${n} (subset of ${testSetSize})` : `${n} (full test set)`;
}

/**
 * The per-epoch measurement during training is PGD with the run's training steps on the first
 * `evalSubset` test images: cheap monitoring, not the paper's evaluation. Every place that shows it
 * says so, e.g. "PGD-10 (monitoring, 500 images)".
 */
export function monitoringLabel(config: { pgdSteps?: unknown; evalSubset?: unknown } | null | undefined): string {
  const k = typeof config?.pgdSteps === 'number' ? config.pgdSteps : null;
  const n = typeof config?.evalSubset === 'number' ? config.evalSubset : null;
  return `PGD${k !== null ? `-${k}` : ''} (monitoring${n !== null ? `, ${n} images` : ''})`;
}
