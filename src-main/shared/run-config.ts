import { z } from 'zod';
import {
  ADVERSARIAL_ANCHOR_KEYS, ADVERSARIES, AUGMENT_SHIFT_MODES, BACKENDS, DATASETS, DEFENSES, DISTANCES, LATENTS,
  LEAKED_COUNTERPART, MODELS, OPTIMIZERS, PROJECTION_HEADS, RESNET_SETTINGS, SCL_REDUCTIONS, SELECTIONS,
  TRAIN_ATTACK_MODES, VAT_SCALINGS, type DatasetName,
} from './options.js';
import { formatIssues } from './format-issues.js';

/**
 * A decimal number or a fraction of two, written as text ("8/255", "0.01", "1e-3"): no hex, no
 * spaces, no digit separators, so every entry point (CLI flags, API payloads, files) reads the same value.
 */
export const FRACTION_PATTERN = /^(-?\d+(?:\.\d+)?(?:e-?\d+)?)(?:\/(\d+(?:\.\d+)?))?$/i;

/** The value of a FRACTION_PATTERN text, or NaN when it does not match. */
export function parseFraction(text: string): number {
  const m = FRACTION_PATTERN.exec(text);
  return m ? Number(m[1]) / (m[2] === undefined ? 1 : Number(m[2])) : Number.NaN;
}

/** Accepts numbers and fractions written as strings ("8/255"). */
export const fractionNumber = z.union([
  z.number(),
  z.string().regex(FRACTION_PATTERN, 'expected a decimal number or a fraction like 8/255 (no spaces)').transform(parseFraction),
]).pipe(z.number().finite());

/**
 * One run's configuration. Every field has a documented default taken from the paper
 * (Section 4.1, supplementary Section 6) unless noted; unknown keys are rejected.
 */
export const RunConfigSchema = z.object({
  // --- data ---
  /** Dataset name. */
  dataset: z.enum(DATASETS).default('cifar10'),
  /** Folder holding the dataset's files; null = the application's data folder. */
  dataDir: z.string().min(1).nullable().default(null),
  /** Train on the first N training samples only (quick studies); null = all. */
  limit: z.number().int().positive().nullable().default(null),
  /** Size of the held-out evaluation subset (test split) measured every epoch. */
  evalSubset: z.number().int().positive().default(500),
  /** Augmentation (paper 4.1): random horizontal flips and random shifts of this fraction. */
  augmentFlip: z.boolean().default(true),
  augmentShift: z.number().min(0).max(0.5).default(0.1),
  /** How the shifts are drawn and filled (see AUGMENT_SHIFT_MODES): as [29]'s Keras generator by default. */
  augmentShiftMode: z.enum(AUGMENT_SHIFT_MODES).default('keras-continuous-nearest'),

  // --- model ---
  model: z.enum(MODELS).default('cnn'),
  /**
   * `small-cnn` and `cnn`: batch norm after every conv and hidden dense layer. Not in the paper's
   * CNN (C&W); on by default because without it ASCL's contrastive term kills the latent ReLU units
   * of these networks and training stays at chance for many epochs (docs/small-models.md). The
   * faithful C&W `cnn` is `batchNorm: false, latent: 'penultimate'`. The ResNets always have batch
   * norm; this option does not change them.
   */
  batchNorm: z.boolean().default(true),
  /** `small-cnn` and `cnn`: the latent z (options.ts LATENTS); the paper's is `penultimate` (4.1). */
  latent: z.enum(LATENTS).default('penultimate'),
  projectionHead: z.enum(PROJECTION_HEADS).default('none'),
  /** ResNet20/50 setting (see RESNET_SETTINGS): [29]'s Keras resnet_v1 by default (supplementary 6). */
  resnetSetting: z.enum(RESNET_SETTINGS).default('pang2019'),

  // --- objective ---
  defense: z.enum(DEFENSES).default('adv'),
  /** ASCL: adversary / L_AT term (eq. 6 on top of ADV or TRADES). */
  adversary: z.enum(ADVERSARIES).default('pgd'),
  /** Weight of the natural cross-entropy in L_AT (eq. 4 uses 1). */
  lambdaNat: z.number().min(0).default(1),
  /** lambda_SCL of eq. 6 (0 switches the contrastive term off). */
  lambdaScl: z.number().min(0).default(1),
  /** lambda_VAT of eq. 6 (0 switches the KL term off). */
  lambdaVat: z.number().min(0).default(2),
  /**
   * TRADES beta (Zhang et al. 2019). An assumption: the paper gives no beta; 6 is the value of the
   * authors' run_baseline.py (trades_train, adr_trades) and of the TRADES paper's CIFAR-10 runs.
   */
  tradesBeta: z.number().min(0).default(6),
  /** Temperature tau of eq. 1. */
  tau: z.number().gt(0).default(0.07),
  distance: z.enum(DISTANCES).default('cosine'),
  /** L2-normalise latents before the distance (cosine normalises anyway). */
  normalizeLatent: z.boolean().default(false),
  selection: z.enum(SELECTIONS).default('global'),
  leakedCounterpart: z.enum(LEAKED_COUNTERPART).default('paper'),
  /** Soft-LS / Leaked-LS: the adversarial anchor's sets keyed on p_i (paper) or on p_i^a (code). */
  adversarialAnchorKey: z.enum(ADVERSARIAL_ANCHOR_KEYS).default('paper'),
  /** L_SCL over the batch: eq. 3 (paper) or the mean over the 2N anchors (code, half of eq. 3). */
  sclReduction: z.enum(SCL_REDUCTIONS).default('eq3'),
  vatScaling: z.enum(VAT_SCALINGS).default('paper'),

  // --- training adversary (PGD, L-infinity, inputs in [0, 1]) ---
  /** Perturbation budget; null = the dataset's default (8/255 CIFAR-10, 0.01 CIFAR-100, 0.3 MNIST). */
  eps: fractionNumber.pipe(z.number().min(0)).nullable().default(null),
  /** PGD step size; null = the dataset's default (2/255, 0.001, 0.01). */
  stepSize: fractionNumber.pipe(z.number().gt(0)).nullable().default(null),
  pgdSteps: z.number().int().min(1).max(1000).default(10),
  randomStart: z.boolean().default(true),
  /** Model mode of the training adversary (see TRAIN_ATTACK_MODES): `train` as the authors' public code (an assumption: the paper is silent). */
  trainAttackMode: z.enum(TRAIN_ATTACK_MODES).default('train'),

  // --- optimisation ---
  epochs: z.number().int().min(1).max(100_000).default(200),
  batchSize: z.number().int().min(2).max(8192).default(128),
  optimizer: z.enum(OPTIMIZERS).default('adam'),
  learningRate: z.number().gt(0).default(1e-3),
  momentum: z.number().min(0).max(1).default(0.9),
  weightDecay: z.number().min(0).default(0),
  /** Epochs at which the learning rate is multiplied by lrGamma (1e-3 -> 1e-4 at 80, 1e-5 at 120, 1e-6 at 160). */
  lrMilestones: z.array(z.number().int().min(1)).default([80, 120, 160]),
  lrGamma: z.number().gt(0).max(1).default(0.1),

  // --- bookkeeping ---
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
  backend: z.enum(BACKENDS).default('auto'),
  // --- GPU choice (webgpu / tensorflow backends) ---
  /**
   * The GPU to train on (`--gpu N`, one GPU per process): the index `ascl doctor` lists for webgpu
   * (Dawn's hardware adapters first); CUDA_VISIBLE_DEVICES=N for tensorflow. null: the backend's choice.
   */
  gpu: z.number().int().min(0).max(63).nullable().default(null),
  /** Save a checkpoint every N epochs (and always at the end). */
  checkpointEvery: z.number().int().min(1).default(1),
  /** Number of fixed query anchors whose selected positives/negatives are recorded (Figure 8). */
  queryAnchors: z.number().int().min(0).max(64).default(4),
  /** Epochs at which the query anchors' selections are recorded (empty = first, middle, last). */
  selectionEpochs: z.array(z.number().int().min(1)).default([]),
}).strict();

export type RunConfigInput = z.input<typeof RunConfigSchema>;
export type RunConfig = z.output<typeof RunConfigSchema>;

/** Per-dataset attack budgets of the paper (Section 4.1 / supplementary 6). */
export const DATASET_ATTACK_DEFAULTS: Record<DatasetName, { eps: number; stepSize: number }> = {
  cifar10: { eps: 8 / 255, stepSize: 2 / 255 },
  cifar100: { eps: 0.01, stepSize: 0.001 },
  mnist: { eps: 0.3, stepSize: 0.01 },
  synthetic: { eps: 8 / 255, stepSize: 2 / 255 },
};

/** The effective eps and step size of a config (dataset defaults where null). */
export function attackBudget(config: RunConfig): { eps: number; stepSize: number } {
  const d = DATASET_ATTACK_DEFAULTS[config.dataset];
  return { eps: config.eps ?? d.eps, stepSize: config.stepSize ?? d.stepSize };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Validates a (partial) run configuration and fills in the documented defaults.
 * Throws ConfigError naming every bad key and value.
 */
export function parseRunConfig(input: unknown, where = 'parseRunConfig'): RunConfig {
  const r = RunConfigSchema.safeParse(input ?? {});
  if (!r.success) throw new ConfigError(`${where}: invalid run configuration: ${formatIssues(r.error, input)}`);
  return r.data;
}
