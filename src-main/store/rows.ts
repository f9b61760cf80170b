/**
 * Row shapes of the store, as plain JSON-friendly objects (no TensorFlow, no SQLite types). Rows
 * shared with other layers are declared once in src-main/shared/rows.ts; these are the store's own.
 */
import type { RunStatus } from '../shared/channels.js';
import type { EpochRow, EvalOutcome } from '../shared/rows.js';
import type { RunConfig } from '../shared/run-config.js';

export interface RunRecord {
  id: string;
  name: string;
  group: string | null;
  /** Read through the configuration migrations (shared/config-migrations.ts) and validated. */
  config: RunConfig;
  backend: string | null;
  seed: number;
  status: RunStatus;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
  epochsDone: number;
  epochsTotal: number;
  ownerPid: number | null;
  ownerHost: string | null;
  heartbeatAt: number | null;
  /** Progress within the current epoch (0..1) and estimated seconds left, as last reported by the owner. */
  progress: number;
  etaSeconds: number | null;
}

export interface StepRow {
  epoch: number;
  step: number;
  /** ms since the epoch (Date.now()). */
  time: number;
  values: Record<string, number>;
}

/** An epoch row as stored (the shared EpochRow). */
export type EpochRecord = EpochRow;

export interface CheckpointRecord {
  runId: string;
  epoch: number;
  globalStep: number;
  /** Relative to the store's folder. */
  file: string;
  size: number;
  sha256: string;
  createdAt: string;
}

/** An evaluation to store: the worker's outcome, the run it belongs to and how it was drawn. */
export interface EvaluationInput extends Omit<EvalOutcome, 'outcomes'> {
  runId: string;
  seed: number | null;
  checkpointEpoch: number | null;
  /** Per sample: 1 = robust (correct on the clean image and on its adversarial example). */
  outcomes: Uint8Array | null;
}
