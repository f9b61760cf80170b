/**
 * Resolving an evaluation's protocol: the options given (CLI, API) with the attack's defaults on the
 * dataset filled in (each attack's `defaults(dataset)`, from config/evaluation.ts: PGD and mPGD
 * k = 250 with the dataset's step on the full test set, AutoAttack on 1000 test samples; Section 4.1).
 * There is no fallback step: a fixed-step attack takes the dataset's evaluation step.
 */
import { z } from 'zod';
import { ATTACKS, DATASETS } from '../../shared/options.js';
import { EVALUATION_DEFAULTS, type EvaluationProtocol } from '../../shared/evaluation.js';
import { getAttack } from '../attacks/index.js';
import { checkCapabilities } from '../attacks/clean-correct.js';

/** Numeric options, validated at the boundary (CLI and API pass user input straight through). */
export const EvaluateOptionsSchema = z.object({
  attack: z.enum(ATTACKS),
  /** Whose evaluation defaults apply (eps, PGD step and steps). */
  dataset: z.enum(DATASETS),
  /** Default: the dataset's evaluation eps. */
  eps: z.number().finite().positive().max(1).optional(),
  /** Default: the dataset's evaluation step; only fixed-step attacks (PGD, mPGD) use it. */
  stepSize: z.number().finite().positive().max(1).optional(),
  /** Default: the attack's (PGD, mPGD: 250); AutoAttack always runs its standard iterations. */
  steps: z.number().int().positive().max(100_000).optional(),
  restarts: z.number().int().positive().max(100).optional(),
  /** Default: the attack's (PGD, mPGD: the full test set; AutoAttack: 1000). */
  n: z.number().int().positive().optional(),
  batchSize: z.number().int().positive().max(100_000),
  seed: z.number().int().min(0),
  numClasses: z.number().int().min(2),
  shape: z.tuple([z.number().int().positive(), z.number().int().positive(), z.number().int().positive()]),
});
export type EvaluateInput = z.input<typeof EvaluateOptionsSchema>;
export type ParsedEvaluateOptions = z.output<typeof EvaluateOptionsSchema>;
type Parsed = ParsedEvaluateOptions;

/** The protocol an evaluation with options `v` runs on a test split of `testSetSize` images. */
export function resolveProtocol(v: Pick<Parsed, 'attack' | 'dataset' | 'eps' | 'stepSize' | 'steps' | 'restarts' | 'n' | 'seed' | 'numClasses'>,
  testSetSize: number): EvaluationProtocol {
  const attack = getAttack(v.attack);
  checkCapabilities(attack, v.numClasses);
  const d = attack.defaults(v.dataset);
  const eps = v.eps ?? EVALUATION_DEFAULTS[v.dataset].eps;
  const rule = attack.capabilities.step;
  const stepSize = rule === 'fixed' ? v.stepSize ?? d.stepSize : rule === 'eps' ? eps : null;
  if (rule === 'fixed' && stepSize === null) throw new Error(`resolveProtocol: ${v.attack} needs a step size and has no default on ${v.dataset}`);
  const steps = attack.capabilities.configurableSteps ? v.steps ?? d.steps : d.steps;
  if (v.n !== undefined && v.n > testSetSize) throw new Error(`evaluateRobustness: n = ${v.n} but only ${testSetSize} images were given`);
  const n = v.n ?? (d.n === 'all' ? testSetSize : Math.min(d.n, testSetSize));
  if (n < 1) throw new Error(`resolveProtocol: no test images to evaluate ${v.attack} on`);
  return {
    attack: v.attack, dataset: v.dataset, eps, stepSize, steps, restarts: v.restarts ?? d.restarts,
    n, testSetSize, subset: 'first-n', seed: v.seed, parts: attack.parts ? [...attack.parts] : null,
  };
}
