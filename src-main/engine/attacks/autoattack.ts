/**
 * AutoAttack, standard version, L-inf (Croce & Hein 2020; fra31/auto-attack autoattack.py L307):
 * the composite (./multi-attack.ts) of the registered APGD-CE, APGD-T (9 targets), FAB-T
 * (9 targets) and Square (5000 queries), in that order, each on the points every earlier attack
 * failed to break, each with its standard iterations (params.steps is ignored) and its own seed
 * (auto-attack seeds each perturb() call). The paper evaluates it on 1000 test samples (Section 4.1).
 */
import type { tf } from '../tf.js';
import type { LogitsFn } from '../models/model.js';
import type { AttackParams } from './attack.js';
import { apgdCeAttack, APGD_STANDARD } from './apgd-ce.js';
import { apgdTAttack } from './apgd-t.js';
import { fabTAttack, FAB_STANDARD } from './fab.js';
import { squareAttackDef, SQUARE_STANDARD } from './square.js';
import { autoAttackPartDefaults } from './defaults.js';
import { compositeAttack, runComposite, type CompositePart, type CompositeResult } from './multi-attack.js';

export const AUTOATTACK_ORDER = ['apgd-ce', 'apgd-t', 'fab-t', 'square'] as const;
export type AutoAttackPart = (typeof AUTOATTACK_ORDER)[number];

const STANDARD_PARTS: Readonly<Record<AutoAttackPart, CompositePart>> = {
  'apgd-ce': { attack: apgdCeAttack, steps: APGD_STANDARD.nIter, seedOffset: 0 },
  'apgd-t': { attack: apgdTAttack, steps: APGD_STANDARD.nIter, seedOffset: 1 },
  'fab-t': { attack: fabTAttack, steps: FAB_STANDARD.nIter, seedOffset: 2 },
  square: { attack: squareAttackDef, steps: SQUARE_STANDARD.nQueries, seedOffset: 3 },
};

export type AutoAttackResult = CompositeResult;

export interface AutoAttackOptions {
  /** Subset of the attacks, still run in the standard order (default: the standard four). */
  attacks?: readonly AutoAttackPart[];
  /** Called after each attack with the number of points still robust. */
  onAttack?(name: AutoAttackPart, robust: number): void;
}

/** The standard version on one batch, or the listed subset of its parts (in the standard order). */
export function autoAttack(f: LogitsFn, x: tf.Tensor4D, y: tf.Tensor1D, p: AttackParams, o: AutoAttackOptions = {}): Promise<AutoAttackResult> {
  const chosen = o.attacks ?? AUTOATTACK_ORDER;
  // Each part keeps its seed offset (its place in the standard order) whichever subset runs.
  const parts = AUTOATTACK_ORDER.map((name) => STANDARD_PARTS[name]);
  return runComposite(parts.filter((q) => chosen.includes(q.attack.name as AutoAttackPart)), f, x, y, p, {
    onPart: (name, robust) => o.onAttack?.(name as AutoAttackPart, robust),
  });
}

export const autoAttackDef = compositeAttack('aa', AUTOATTACK_ORDER.map((name) => STANDARD_PARTS[name]), autoAttackPartDefaults(APGD_STANDARD.nIter));
