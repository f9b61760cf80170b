/**
 * Row shapes of the store, as plain JSON-friendly objects (no TensorFlow, no SQLite types). Rows
 * shared with other layers are declared once in src-main/shared/rows.ts; these are the store's own.
 */
import type { RunSummary } from '../shared/channels.js';
import type { EvaluationProtocol } from '../shared/evaluation.js';
import type { EpochRow, EvalOutcome, IterationPoint } from '../shared/rows.js';
import type { RunConfig } from '../shared/run-config.js';

/**
 * A run as stored: the fields of the API's RunSummary (less the four it reads from the config),
 * its configuration, and who runs it.
 */
export interface RunRecord extends Omit<RunSummary, 'defense' | 'selection' | 'dataset' | 'model'> {
  /**
   * Read through the configuration migrations (shared/config-migrations.ts) and validated. When the
   * stored value cannot be read (`damage` is set) this holds the defaults and must not be used.
   */
  config: RunConfig;
  /** Set when a stored value of the run cannot be read (e.g. its config is not valid JSON): names the table and column. */
  damage: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  ownerPid: number | null;
  ownerHost: string | null;
  heartbeatAt: number | null;
  // --- Distributed mode (issue 10) ---
  /** The broker queue it was sent to; null: trained in the process that started it. */
  queueName: string | null;
  attempt: number;
  /** The worker holding its lease and the lease itself (records quoting another lease are refused). */
  workerId: string | null;
  lease: string | null;
  /** SHA-256 of the data it trained on (service/dataset-fingerprint.ts); null before its first start. */
  datasetFingerprint: string | null;
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
export interface EvaluationInput extends Omit<EvalOutcome, 'outcomes' | 'protocol' | 'cleanCorrect' | 'labels' | 'breakingEps' | 'iterations' | 'breakingIteration' | 'cleanPred' | 'advPred' | 'batchSize'> {
  runId: string;
  /** The resolved protocol; null only for evaluations recorded without one (tests, imports). */
  protocol: EvaluationProtocol | null;
  seed: number | null;
  checkpointEpoch: number | null;
  /** Per sample: 1 = robust (correct on the clean image and on its adversarial example). */
  outcomes: Uint8Array | null;
  /** Per sample: 1 = correct on the clean image (absent: not recorded). */
  cleanCorrect?: Uint8Array | null;
  /** Per sample: the true label. */
  labels?: Int32Array | null;
  /** Eps-grid points only, per sample: the smallest grid eps that breaks it, NaN when none does. */
  breakingEps?: Float64Array | null;
  /** Robust accuracy per attack-iteration checkpoint (absent: not recorded). */
  iterations?: IterationPoint[] | null;
  /** Per sample: total iterations of the checkpoint from which it stays broken, 0 clean-misclassified, NaN never broken. */
  breakingIteration?: Float64Array | null;
  /** Per sample: the predicted class on the clean image and on the adversarial example that decides the outcome. */
  cleanPred?: Int32Array | null;
  advPred?: Int32Array | null;
  /** Images per attack batch (the attack's seed is protocol.seed + the batch's first index). */
  batchSize?: number | null;
}

/** The per-example data of one stored evaluation (null: not recorded for this row). */
export interface EvaluationExamples {
  outcomes: Uint8Array | null;
  cleanCorrect: Uint8Array | null;
  labels: Int32Array | null;
  /** null per image: robust at every eps of the grid. */
  breakingEps: Array<number | null> | null;
  /** Total attack iterations of the checkpoint from which the image stays broken (0: clean-misclassified); null per image: never broken. */
  breakingIteration: Array<number | null> | null;
  cleanPred: Int32Array | null;
  advPred: Int32Array | null;
  batchSize: number | null;
}
