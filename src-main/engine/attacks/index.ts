/**
 * Attack registry: one attack per file, registered here by name (torchattacks' layout).
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

export const attackRegistry = new Registry<AttackName, Attack>('attack', ATTACKS, {
  fgsm, pgd, mpgd, aa: autoAttackDef, 'apgd-ce': apgdCeAttack, 'apgd-t': apgdTAttack, 'fab-t': fabTAttack, square: squareAttackDef,
});

export function getAttack(name: AttackName): Attack {
  return attackRegistry.get(name);
}

export type { Attack, AttackParams } from './attack.js';
export { autoAttack, AUTOATTACK_ORDER } from './autoattack.js';
export type { AutoAttackResult, AutoAttackPart } from './autoattack.js';
export { pgdEval } from './pgd.js';
export { multiTargetedPgd } from './mpgd.js';
