/**
 * Attack registry: one attack per file, registered here by name (torchattacks' layout). The table
 * is checked against ATTACKS, so an attack name without an implementation does not compile.
 * `getAttack('pgd')` is the one entry point evaluation and analysis use.
 */
import { Registry } from '../registry.js';
import { ATTACKS, type AttackName } from '../../shared/options.js';
import type { Attack } from './attack.js';
import { fgsm } from './fgsm.js';
import { pgd } from './pgd.js';
import { mpgd } from './mpgd.js';
import { apgdCeAttack } from './apgd-ce.js';
import { apgdTAttack } from './apgd-t.js';
import { fabTAttack } from './fab.js';
import { squareAttackDef } from './square.js';
import { autoAttackDef } from './autoattack.js';

/** Every attack by name (engine/registry.ts: a missing or misnamed entry does not compile). */
export const attackRegistry = new Registry<AttackName, Attack>('attack', ATTACKS, {
  fgsm, pgd, mpgd, 'apgd-ce': apgdCeAttack, 'apgd-t': apgdTAttack, 'fab-t': fabTAttack, square: squareAttackDef, aa: autoAttackDef,
});

export function getAttack(name: AttackName): Attack {
  return attackRegistry.get(name);
}

export type { Attack, AttackParams, AttackCapabilities, AttackDefaults, AttackHooks, StepRule } from './attack.js';
export { autoAttack, AUTOATTACK_ORDER } from './autoattack.js';
export type { AutoAttackResult, AutoAttackPart } from './autoattack.js';
export { compositeAttack, runComposite } from './multi-attack.js';
export { attackCleanCorrect, checkCapabilities } from './clean-correct.js';
export { pgdEval } from './pgd.js';
export { multiTargetedPgd } from './mpgd.js';
