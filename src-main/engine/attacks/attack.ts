import type { tf } from '../tf.js';
import type { AttackName, DatasetName } from '../../shared/options.js';
import type { LogitsFn } from '../models/model.js';
import type { IterationSink } from './iteration-trace.js';

/** L-infinity threat model, inputs in [0, 1]. */
export interface AttackParams {
  eps: number;
  stepSize: number;
  steps: number;
  randomStart: boolean;
  restarts: number;
  numClasses: number;
  seed: number;
}

/**
 * How an attack uses the step size: `fixed` (PGD, mPGD: params.stepSize), `eps` (FGSM: one step
 * of eps) or `own` (APGD's adaptive 2 eps, FAB, Square and AutoAttack choose their own).
 */
export type StepRule = 'fixed' | 'eps' | 'own';

export interface AttackCapabilities {
  /** Fewest classes the attack works with (APGD-T's targeted DLR needs z_pi4: 4). */
  minClasses: number;
  /** Target classes tried per point, min(targets, K - 1) (APGD-T and FAB-T: 9; mPGD: all K - 1); null when untargeted. */
  targets: number | 'all' | null;
  step: StepRule;
  /** false: the attack always runs its standard iterations (AutoAttack's standard version). */
  configurableSteps: boolean;
}

/** An attack's defaults on a dataset's evaluation (config/evaluation.ts). */
export interface AttackDefaults {
  /** The fixed step of `step: 'fixed'` attacks; null otherwise. */
  stepSize: number | null;
  steps: number;
  restarts: number;
  /** Test images: `all` (PGD and mPGD on the full test set) or at most this many (AutoAttack: 1000). */
  n: number | 'all';
}

export interface AttackHooks {
  /** Fraction of this batch's work done (composites report after each part). */
  onProgress?(fraction: number): void;
  /** Composites: the number of points of this batch still robust after each part. */
  onPart?(name: AttackName, robust: number): void;
  /**
   * Per-iteration record (./iteration-trace.ts): single attacks report, at the checkpoints of
   * iterationCheckpoints(steps) of each pass, which rows of x are still robust. Composites do not.
   */
  iterations?: IterationSink;
}

/**
 * One attack per file, registered by name. `run` returns adversarial examples inside the
 * eps-ball around x and inside [0, 1]; the caller owns (and disposes) the returned tensor.
 * Attacks never change model weights; callers pass a LogitsFn in inference mode for evaluation.
 * Evaluation runs an attack through `attackCleanCorrect` (./clean-correct.ts), which checks the
 * capabilities and attacks only the clean-correct points.
 */
export interface Attack {
  name: AttackName;
  capabilities: AttackCapabilities;
  /** A composite's attacks in order (AutoAttack); absent for a single attack. */
  parts?: readonly AttackName[];
  defaults(dataset: DatasetName): AttackDefaults;
  run(f: LogitsFn, x: tf.Tensor4D, y: tf.Tensor1D, params: AttackParams, hooks?: AttackHooks): Promise<tf.Tensor4D>;
}
