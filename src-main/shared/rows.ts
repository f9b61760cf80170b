/**
 * The one declaration of each row that crosses layers: produced by the engine (or a worker),
 * stored by the store, answered by the API and drawn by the renderer. Plain JSON-friendly numbers
 * and strings (typed arrays only where noted), no TensorFlow, no SQLite. The store keeps its own
 * snake_case column mapping; every other layer uses these names.
 */

import type { EvaluationProtocol } from './evaluation.js';
import type { IterationPointsSchema } from './iterations.js';
import type { z } from 'zod';

/** Named loss terms and counters of a step or an epoch (see ./terms.ts for the names). */
export type TermValues = Record<string, number>;

/** One finished epoch: accuracies on the held-out subset, and the means of the step terms. */
export interface EpochRow {
  epoch: number;
  /** Natural and PGD accuracy on the held-out evaluation subset. */
  natAccuracy: number;
  pgdAccuracy: number;
  trainAccuracy: number;
  learningRate: number;
  seconds: number;
  /** Means over the epoch's steps of every step term (and `loss`), plus R-DIV where measured. */
  terms: TermValues;
  /** Share of latent units that are 0 on every monitored test image (engine/train/collapse.ts); null (or absent) where not recorded. */
  deadLatentFraction?: number | null;
  /** The collapse check's warning (natural accuracy at chance, or most latent units dead); null (or absent) when none. */
  collapseWarning?: string | null;
}

/** One bucket of a decimated step series (min/max kept per bucket; `time` in ms since the epoch). */
export interface StepPoint { step: number; min: number; max: number; mean: number; time: number }

/** The latent divergences of Section 2: d_a^+, d_a^- and R-DIV = d_a^+ / d_a^-. */
export interface Divergences {
  /** d_a^+ */
  dPlus: number;
  /** d_a^- */
  dMinus: number;
  /** d_r^+ = d_a^+ / d_a^- */
  rdiv: number;
}

/** R-DIV at one epoch's checkpoint (Figure 2b). */
export interface RdivEpochRow extends Divergences { epoch: number }

/** R-DIV and robust accuracy at one eps (Figures 2c and 4). */
export interface RdivEpsRow extends Divergences { eps: number; robustAccuracy: number }

/** One point of the latent-space t-SNE (supplementary Figure 6); `entropy` of the prediction. */
export interface TsnePoint { x: number; y: number; label: number; adversarial: boolean; entropy: number }

/** A member of a query anchor's selected set: training-set index and whether it is the adversarial view. */
export interface SelectionMember { index: number; adversarial: boolean }

/** Figure 8: which samples a fixed query anchor selected at one epoch. */
export interface SelectionSnapshot {
  epoch: number;
  /** Index of the query anchor in the training set. */
  anchorIndex: number;
  anchorLabel: number;
  positives: SelectionMember[];
  negatives: SelectionMember[];
}

/** What one robustness evaluation measured. */
export interface EvalFigures {
  attack: string;
  eps: number;
  steps: number | null;
  /** PGD's fixed step (FGSM: eps); null where the attack sets its own. */
  stepSize: number | null;
  n: number;
  cleanAccuracy: number;
  robustAccuracy: number;
  seconds: number;
}

/** A stored evaluation as the API answers it. */
export interface EvalRow extends EvalFigures {
  id: number;
  runId: string;
  /** Size of the test split the first n images came from (null for rows stored before the protocol was). */
  testSetSize: number | null;
  /** Standard errors sqrt(p (1 - p) / n) of the two accuracies. */
  cleanStdErr: number;
  robustStdErr: number;
  /** The resolved protocol (null for rows stored before it was). */
  protocol: EvaluationProtocol | null;
  createdAt: string;
  // Evaluation sanity: the attack-iteration axis and the flags (shared/iterations.ts, shared/sanity-flags.ts).
  /** Robust accuracy per attack-iteration checkpoint; null where not recorded (older rows, AutoAttack, eps-grid points). */
  iterations: IterationPoint[] | null;
  /** Warnings about this evaluation computed from the run's stored evaluations (shared/sanity-flags.ts); [] when none. */
  flags: SanityFlag[];
}

/** Robust accuracy at one attack-iteration checkpoint (an axis of its own, beside training steps). */
export type IterationPoint = z.infer<typeof IterationPointsSchema>[number];

/** The kinds of evaluation sanity flag (Carlini et al. 2019; Athalye et al. 2018, Section 3.1). */
export const SANITY_FLAG_KINDS = ['black-box-stronger', 'not-decreasing-in-eps', 'high-at-large-eps', 'fgsm-stronger', 'still-falling'] as const;
export type SanityFlagKind = (typeof SANITY_FLAG_KINDS)[number];

/** One warning beside an evaluation: what was seen (with the figures), and where the check comes from. */
export interface SanityFlag {
  kind: SanityFlagKind;
  /** The evaluation the warning is about. */
  evaluationId: number;
  /** The other evaluations it compares with (e.g. the Square evaluation that broke more points). */
  relatedIds: number[];
  /** What was measured, with the figures and the threshold. */
  reason: string;
  /** The paper and the check it states. */
  reference: string;
}

/** An evaluation's outcome as the worker reports it, before it is stored. */
export interface EvalOutcome extends EvalFigures {
  /** The resolved protocol (every default filled in), stored with the evaluation. */
  protocol: EvaluationProtocol;
  /** Per sample: 1 = robust (correct on the clean image and on its adversarial example).  [n] */
  outcomes: Uint8Array;
  /** Per sample: 1 = the clean image is classified correctly.  [n] */
  cleanCorrect?: Uint8Array;
  /** Per sample: the true label.  [n] */
  labels?: Int32Array;
  /** Eps-grid points only, per sample: the smallest grid eps that breaks it, NaN when none does.  [n] */
  breakingEps?: Float64Array;
  /** Robust accuracy per attack-iteration checkpoint (absent: not recorded). */
  iterations?: IterationPoint[];
  /** Per sample: total attack iterations of the checkpoint from which it stays broken; 0 clean-misclassified, NaN robust.  [n] */
  breakingIteration?: Float64Array;
  // Per-example predictions and the attack batch (regenerating an image's adversarial example needs its batch).
  /** Per sample: the predicted class of the clean image and of the adversarial example that decides the outcome.  [n] */
  cleanPred?: Int32Array;
  advPred?: Int32Array;
  /** Images per attack batch: batch b was attacked with seed protocol.seed + b * batchSize. */
  batchSize?: number;
}

/** The latent-space analyses of one run, as the worker reports them. */
export interface AnalysisOutcome {
  rdivEpochs: RdivEpochRow[];
  rdivEps: RdivEpsRow[];
  tsne: TsnePoint[] | null;
}

// Per-example outcomes and their images (the examples view and the Figure 8 gallery).

/** An image's outcome in one evaluation: misclassified clean, broken by the attack, or robust. */
export const EXAMPLE_OUTCOMES = ['clean-wrong', 'broken', 'robust'] as const;
export type ExampleOutcome = (typeof EXAMPLE_OUTCOMES)[number];

/** One evaluated image as stored (predictions null for evaluations stored before they were). */
export interface ExampleRow {
  /** Position in the test split (the evaluation used the first n). */
  index: number;
  label: number | null;
  cleanPred: number | null;
  advPred: number | null;
  outcome: ExampleOutcome;
  /** The same image in the compared evaluation (run B), or null without one. */
  vsOutcome: ExampleOutcome | null;
  /** Eps-grid points: the smallest grid eps that breaks the image (null: none does, or not a grid). */
  breakingEps: number | null;
}

/** One image and its adversarial view as small PNG data URLs, with the predictions recomputed on them. */
export interface ExampleImage {
  index: number;
  label: number;
  clean: string;
  adversarial: string;
  /** 0.5 + (x_adv - x) / (2 eps) per channel: grey = unchanged, black / white = -eps / +eps. */
  perturbation: string;
  cleanPred: number;
  advPred: number;
  /** Correct on the clean and on the adversarial image, as recomputed. */
  robust: boolean;
  /** max |x_adv - x| over the pixels. */
  linf: number;
}

/** What an examples worker job returns. */
export interface ExamplesOutcome {
  classNames: string[];
  /** The budget of the shown adversarial examples (the perturbation's amplification is 1 / (2 eps)). */
  eps: number;
  images: ExampleImage[];
}
