/**
 * Messages between the service (main thread) and its worker threads. Plain numbers, strings and
 * typed arrays only, never tensors (as tfjs-layers' logs.ts resolves scalars before callbacks).
 * Both sides handle them with exhaustive switches (see `assertNever`).
 */
import type { EpochMetrics, StepMetrics } from '../engine/train/types.js';
import type { AnalysisOutcome, EvalOutcome, ExamplesOutcome, SelectionSnapshot } from '../shared/rows.js';
import type { EvaluationProtocol } from '../shared/evaluation.js';
import type { RunConfig } from '../shared/run-config.js';
import type { AttackName, BackendChoice, BackendName } from '../shared/options.js';
import type { RunDevice } from '../shared/run-device.js';
import type { EngineModules } from './engine.js';
import type { CalibrationOutcome } from './estimate.js';

/** A stored checkpoint the worker may resume from (newest first); it verifies the SHA-256 itself. */
export interface ResumeCandidate { epoch: number; file: string; sha256: string }

export interface TrainJob {
  kind: 'train';
  runId: string;
  config: RunConfig;
  backend: BackendChoice;
  /** Absolute folder of the store; checkpoint files go under it (see store/paths.ts). */
  home: string;
  resume: ResumeCandidate[];
  /** Cores the run's wasm backend may use (service/core-share.ts); absent: 1. Results do not depend on it. */
  threads?: number;
  /** Engine modules to use instead of the defaults (service/engine.ts); a seam for tests' doubles. */
  engineModules?: Partial<EngineModules>;
}

export interface EvalJob {
  kind: 'eval';
  /** Either a stored run's checkpoint or an external LayersModel (model.json). */
  source: { kind: 'checkpoint'; file: string; sha256: string; config: RunConfig } | { kind: 'layers-model'; path: string };
  dataset: RunConfig['dataset'];
  dataDir: string | null;
  attack: AttackName;
  eps: number;
  /** null: the attack's default on the dataset (engine/evaluate/protocol.ts). */
  steps: number | null;
  stepSize: number | null;
  /** null: the attack's default (PGD, mPGD: the full test set; AutoAttack: 1000). */
  n: number | null;
  batchSize: number;
  seed: number;
  backend: BackendChoice;
  /** Set: evaluate every eps of this strictly increasing grid in one job (`eps` is then unused); the result is an eval-grid-result. */
  epsGrid?: number[];
  /** Cores the job's wasm backend may use (service/core-share.ts); absent: 1. Results do not depend on it. */
  threads?: number;
  engineModules?: Partial<EngineModules>;
}

/** `ascl analyze`: R-DIV over the stored checkpoints' epochs and over eps, and the t-SNE of the latent space. */
export interface AnalyzeJob {
  kind: 'analyze';
  config: RunConfig;
  /** Verified checkpoints to analyse (absolute files), oldest first; the last one is the model for the eps sweep and t-SNE. */
  checkpoints: Array<{ epoch: number; file: string; sha256: string }>;
  /** R-DIV at each stored checkpoint's epoch (at the run's training eps). */
  overEpochs: boolean;
  epsSweep: number[];
  tsne: boolean;
  /** t-SNE points: benign test images and adversarial examples of the first of them (Figure 6: 1000 + 100). */
  tsneBenign: number;
  tsneAdversarial: number;
  /** Test images used for R-DIV. */
  n: number;
  /** The attack of R-DIV over eps and the t-SNE (and R-DIV over epochs): the dataset's evaluation PGD unless overridden. */
  steps: number;
  stepSize: number;
  /** eps of R-DIV over epochs and of the t-SNE's adversarial points. */
  eps: number;
  seed: number;
  backend: BackendChoice;
  /** As EvalJob's. */
  threads?: number;
  engineModules?: Partial<EngineModules>;
}

/**
 * Images for the examples view and the Figure 8 gallery, computed from a stored checkpoint:
 * `evaluation`: test images with the evaluation's adversarial examples regenerated (its protocol and
 * batch size replayed, engine/evaluate/regenerate.ts); `training`: training images with the run's
 * training adversary's view (engine/objectives/training-views.ts).
 */
export interface ExamplesJob {
  kind: 'examples';
  config: RunConfig;
  checkpoint: { file: string; sha256: string };
  backend: BackendChoice;
  target: { kind: 'evaluation'; protocol: EvaluationProtocol; batchSize: number; indices: number[] } | { kind: 'training'; indices: number[] };
}

export type WorkerJob = TrainJob | EvalJob | AnalyzeJob | ExamplesJob;

/** main -> worker */
export type ToWorker = { kind: 'stop' };

/** worker -> main */
export type FromWorker =
  | { kind: 'started'; backend: BackendName; device: RunDevice | null }
  /** Sent before any metric: the run continues after `epoch` (0 = from scratch) at `globalStep`. */
  | { kind: 'resumed'; epoch: number; globalStep: number; skipped: string[] }
  /** Sent once the dataset is loaded: its SHA-256 (service/dataset-fingerprint.ts), checked against the run's. */
  | { kind: 'dataset'; fingerprint: string }
  | { kind: 'step'; m: StepMetrics; time: number }
  | { kind: 'epoch'; m: EpochMetrics }
  | { kind: 'checkpoint'; epoch: number; globalStep: number; file: string; size: number; sha256: string }
  | { kind: 'selection'; s: SelectionSnapshot }
  | { kind: 'eval-progress'; done: number; total: number; etaSeconds: number | null }
  | { kind: 'eval-result'; result: EvalOutcome }
  /** One outcome per eps of the job's grid, in order; the clean pass is shared. */
  | { kind: 'eval-grid-result'; result: EvalOutcome[] }
  | { kind: 'analysis-result'; result: AnalysisOutcome }
  | { kind: 'examples-result'; result: ExamplesOutcome }
  | { kind: 'done'; status: 'completed' | 'cancelled'; epochs: number }
  | { kind: 'error'; message: string };

export function assertNever(x: never, where: string): never {
  throw new Error(`${where}: unexpected message ${JSON.stringify(x)}`);
}

// Training health and first steps: the calibration behind runs:estimate (calibrate-worker.ts).
/** A few training steps of the real configuration, timed; nothing is stored. */
export interface CalibrationJob {
  kind: 'calibrate';
  config: RunConfig;
  backend: BackendChoice;
  /** Training steps: the first is a warm-up, the rest are timed. */
  steps: number;
  engineModules?: Partial<EngineModules>;
}

/** calibration worker -> main; `name` of an error: ConfigError / DatasetError are the caller's to fix. */
export type FromCalibrationWorker =
  | { kind: 'calibration-result'; result: CalibrationOutcome }
  | { kind: 'error'; message: string; name: string };
