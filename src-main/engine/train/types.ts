import type { RunConfig } from '../../shared/run-config.js';
import type { BackendName } from '../../shared/options.js';
import type { EpochRow, SelectionSnapshot, TermValues } from '../../shared/rows.js';

/** Plain numbers only: these cross worker boundaries and go into the store (tfjs logs.ts). */
export type Terms = TermValues;

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

/** One finished epoch's figures (the shared EpochRow: stored and plotted as they are). */
export type EpochMetrics = EpochRow;

export type { SelectionSnapshot };

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
