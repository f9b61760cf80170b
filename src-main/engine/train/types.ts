import type { RunConfig } from '../config/run-config.js';
import type { BackendName } from '../config/options.js';

/** Plain numbers only: these cross worker boundaries and go into the store (tfjs logs.ts). */
export type Terms = Record<string, number>;

export interface StepMetrics {
  epoch: number;
  /** Global step, counted from 0 over the whole run. */
  step: number;
  /** Step within the epoch and steps per epoch, for progress. */
  stepInEpoch: number;
  stepsPerEpoch: number;
  loss: number;
  /** Named loss terms and counters of this step (e.g. ce_nat, ce_adv, scl, vat, pos_benign, neg_adv). */
  terms: Terms;
  learningRate: number;
  samplesPerSecond: number;
}

export interface EpochMetrics {
  epoch: number;
  /** Means over the epoch's steps of every step term (and `loss`). */
  terms: Terms;
  trainAccuracy: number;
  /** Natural and PGD accuracy on the held-out evaluation subset. */
  natAccuracy: number;
  pgdAccuracy: number;
  learningRate: number;
  seconds: number;
  /** Share of latent units that are 0 on every monitored test image (collapse.ts). */
  deadLatentFraction: number;
  /** collapse.ts' warning (natural accuracy at chance, or most latent units dead), null when none. */
  collapseWarning: string | null;
}

/** Figure 8: which samples a fixed query anchor selected at one epoch. */
export interface SelectionSnapshot {
  epoch: number;
  /** Index of the query anchor in the training set. */
  anchorIndex: number;
  anchorLabel: number;
  /** Training-set indices and whether each member is the adversarial view. */
  positives: Array<{ index: number; adversarial: boolean }>;
  negatives: Array<{ index: number; adversarial: boolean }>;
}

/** Named plain arrays (weights, optimiser slots): serialisable without TensorFlow. */
export type NamedArrays = Record<string, { shape: number[]; data: Float32Array }>;

/** Everything needed to resume a run exactly where its last finished epoch left it. */
export interface TrainCheckpoint {
  /** Number of finished epochs. */
  epoch: number;
  globalStep: number;
  weights: NamedArrays;
  optimizer: { name: string; iterations: number; slots: NamedArrays };
  rngState: number;
  config: RunConfig;
  backend: BackendName;
}

export interface TrainHooks {
  onStep?(m: StepMetrics): void;
  onEpoch?(m: EpochMetrics): void | Promise<void>;
  /** Called after an epoch's metrics, every config.checkpointEvery epochs and at the end. */
  onCheckpoint?(c: TrainCheckpoint): void | Promise<void>;
  onSelection?(s: SelectionSnapshot): void;
  /** Polled between steps; true stops the run after the current step (status `cancelled`). */
  shouldStop?(): boolean;
}

export interface TrainResult {
  status: 'completed' | 'cancelled';
  epochs: number;
}
