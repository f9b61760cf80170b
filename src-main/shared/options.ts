/**
 * Enum-like options of a run, each one `as const` array that drives both the
 * TypeScript type and the zod validation (as tfjs `activation_config.ts`).
 */
export const DATASETS = ['synthetic', 'mnist', 'cifar10', 'cifar100'] as const;
export type DatasetName = (typeof DATASETS)[number];

export const MODELS = ['small-cnn', 'cnn', 'resnet20', 'resnet50'] as const;
export type ModelName = (typeof MODELS)[number];

/**
 * The latent z of the plain CNNs (`small-cnn`, `cnn`), where the contrastive term and the latent
 * analyses act: `penultimate` = the post-ReLU output of the last hidden dense layer, the input of the
 * last FC (paper 4.1, supplementary 6); `features` = the flattened output of the last conv block, as
 * the authors' code takes it for its CNN. The ResNets' latent (global average pool) is both.
 */
export const LATENTS = ['penultimate', 'features'] as const;
export type LatentChoice = (typeof LATENTS)[number];

/** Training objectives (the `--defense` of a run). */
export const DEFENSES = ['nat', 'adv', 'trades', 'adr', 'scl', 'ascl'] as const;
export type DefenseName = (typeof DEFENSES)[number];

/** Adversary (and its L_AT term) under ASCL, eq. 6: PGD-AT (eq. 4) or TRADES. */
export const ADVERSARIES = ['pgd', 'trades'] as const;
export type AdversaryName = (typeof ADVERSARIES)[number];

/** Positive/negative selection strategies of Table 1. */
export const SELECTIONS = ['global', 'hard', 'soft', 'leaked'] as const;
export type SelectionName = (typeof SELECTIONS)[number];

/**
 * Leaked-LS: is the anchor's own counterpart always a positive?
 * `paper` (Section 3.2: always) or `code` (authors' code: only when its prediction matches).
 */
export const LEAKED_COUNTERPART = ['paper', 'code'] as const;
export type LeakedCounterpart = (typeof LEAKED_COUNTERPART)[number];

/** Similarity of eq. 1: cosine, or minus a distance (`matmul`: dot product). */
export const DISTANCES = ['cosine', 'l1', 'l2', 'linf', 'matmul'] as const;
export type DistanceName = (typeof DISTANCES)[number];

/** Projection heads of supplementary 8.1 (Table 6). */
export const PROJECTION_HEADS = ['none', 'p1', 'p2'] as const;
export type ProjectionHead = (typeof PROJECTION_HEADS)[number];

/** L_VAT scaling: eq. 5 (`paper`, mean over the batch) or the code's KLDivLoss(mean) (also / classes). */
export const VAT_SCALINGS = ['paper', 'code'] as const;
export type VatScaling = (typeof VAT_SCALINGS)[number];

/**
 * Model mode while the training adversary runs: `train` (batch statistics; running statistics
 * updated by the attack's forward passes, as the authors' pgd.py/trades.py) or `eval` (frozen
 * running statistics, as the original TRADES code).
 */
export const TRAIN_ATTACK_MODES = ['train', 'eval'] as const;
export type TrainAttackMode = (typeof TRAIN_ATTACK_MODES)[number];

export const OPTIMIZERS = ['adam', 'sgd'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

/** Compute backends, best first; `auto` picks the best available. */
export const BACKENDS = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKENDS)[number];
export type BackendName = Exclude<BackendChoice, 'auto'>;

export const ATTACKS = ['fgsm', 'pgd', 'mpgd', 'aa', 'apgd-ce', 'apgd-t', 'fab-t', 'square'] as const;
export type AttackName = (typeof ATTACKS)[number];
