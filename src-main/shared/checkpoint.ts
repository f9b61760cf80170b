/**
 * A training checkpoint as plain data: what the engine's trainer hands out after an epoch and
 * takes back to resume, and what the store writes to and reads from a checkpoint file. No
 * TensorFlow: weights and optimiser slots are named Float32Arrays with their shapes.
 */
import type { BackendName } from './options.js';
import type { RunConfig } from './run-config.js';

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
