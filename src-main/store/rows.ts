/** Row shapes of the store, as plain JSON-friendly objects (no TensorFlow, no SQLite types). */
import type { RunStatus } from '../api/channels.js';

export interface RunRecord {
  id: string;
  name: string;
  group: string | null;
  config: Record<string, unknown>;
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

export interface EpochRecord {
  epoch: number;
  natAccuracy: number;
  pgdAccuracy: number;
  trainAccuracy: number;
  learningRate: number;
  seconds: number;
  terms: Record<string, number>;
  /** Share of latent units that are 0 on every monitored test image; null (or absent) where not recorded. */
  deadLatentFraction?: number | null;
  /** The collapse check's warning (engine/train/collapse.ts); null (or absent) when none. */
  collapseWarning?: string | null;
}

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

export interface EvaluationInput {
  runId: string;
  attack: string;
  eps: number;
  steps: number | null;
  stepSize: number | null;
  n: number;
  seed: number | null;
  checkpointEpoch: number | null;
  cleanAccuracy: number;
  robustAccuracy: number;
  seconds: number;
  /** Per sample: 1 = robust (correct on the clean image and on its adversarial example). */
  outcomes: Uint8Array | null;
}

export interface RdivEpochRow { epoch: number; dPlus: number; dMinus: number; rdiv: number }
export interface RdivEpsRow { eps: number; dPlus: number; dMinus: number; rdiv: number; robustAccuracy: number }
export interface TsnePoint { x: number; y: number; label: number; adversarial: boolean; entropy: number }
