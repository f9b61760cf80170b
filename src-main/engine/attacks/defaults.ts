/**
 * Defaults shared by the attacks' `defaults(dataset)`: the paper's evaluation PGD of the dataset
 * (config/evaluation.ts, Section 4.1) for the fixed-step attacks on the full test set, and
 * AutoAttack's standard iterations on 1000 test samples for AutoAttack and its parts.
 */
import type { DatasetName } from '../../shared/options.js';
import { AUTOATTACK_TEST_SAMPLES, EVALUATION_DEFAULTS } from '../../shared/evaluation.js';
import type { AttackDefaults } from './attack.js';

/** PGD and mPGD: k and eta of the dataset's evaluation, one restart, the full test set. */
export function evaluationPgdDefaults(dataset: DatasetName): AttackDefaults {
  const e = EVALUATION_DEFAULTS[dataset];
  return { stepSize: e.pgdStepSize, steps: e.pgdSteps, restarts: 1, n: 'all' };
}

/** AutoAttack's parts alone: their standard iterations (or queries), one restart, 1000 test samples. */
export function autoAttackPartDefaults(steps: number): (dataset: DatasetName) => AttackDefaults {
  return () => ({ stepSize: null, steps, restarts: 1, n: AUTOATTACK_TEST_SAMPLES });
}
