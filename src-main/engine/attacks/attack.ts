import type { tf } from '../tf.js';
import type { AttackName } from '../../shared/options.js';
import type { LogitsFn } from '../models/model.js';

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
 * One attack per file, registered by name. `run` returns adversarial examples inside the
 * eps-ball around x and inside [0, 1]; the caller owns (and disposes) the returned tensor.
 * Attacks never change model weights; callers pass a LogitsFn in inference mode for evaluation.
 */
export interface Attack {
  name: AttackName;
  run(f: LogitsFn, x: tf.Tensor4D, y: tf.Tensor1D, params: AttackParams): Promise<tf.Tensor4D>;
}
