import type { EpochRow, SelectionSnapshot, TermValues } from '../../shared/rows.js';
import type { NamedArrays, TrainCheckpoint } from '../../shared/checkpoint.js';

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

export type { NamedArrays, TrainCheckpoint };

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
