/** Row shapes of the store, as plain JSON-friendly objects (no TensorFlow, no SQLite types). */
import type { RunStatus } from '../api/channels.js';
import type { EvaluationProtocol } from '../engine/config/evaluation.js';

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
  /** The resolved protocol; null only for evaluations recorded before it was stored. */
  protocol: EvaluationProtocol | null;
  /** Per sample: 1 = robust (correct on the clean image and on its adversarial example). */
  outcomes: Uint8Array | null;
}

export interface RdivEpochRow { epoch: number; dPlus: number; dMinus: number; rdiv: number }
export interface RdivEpsRow { eps: number; dPlus: number; dMinus: number; rdiv: number; robustAccuracy: number }
export interface TsnePoint { x: number; y: number; label: number; adversarial: boolean; entropy: number }
