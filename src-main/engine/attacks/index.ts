/**
 * Attack registry: one attack per file, registered here by name (torchattacks' layout). The table
 * is checked against ATTACKS, so an attack name without an implementation does not compile.
 * `getAttack('pgd')` is the one entry point evaluation and analysis use.
 */
import type { AttackName } from '../config/options.js';
import type { Attack } from './attack.js';
import { fgsm } from './fgsm.js';
import { pgd } from './pgd.js';
import { mpgd } from './mpgd.js';
import { apgdCeAttack } from './apgd-ce.js';
import { apgdTAttack } from './apgd-t.js';
import { fabTAttack } from './fab.js';
import { squareAttackDef } from './square.js';
import { autoAttackDef } from './autoattack.js';

/** Every attack by name; `satisfies` makes a missing or misnamed entry a compile error. */
export const ATTACK_REGISTRY = {
  fgsm, pgd, mpgd, 'apgd-ce': apgdCeAttack, 'apgd-t': apgdTAttack, 'fab-t': fabTAttack, square: squareAttackDef, aa: autoAttackDef,
} as const satisfies Record<AttackName, Attack>;

for (const [name, a] of Object.entries(ATTACK_REGISTRY)) {
  if (a.name !== name) throw new Error(`attacks/index: entry ${JSON.stringify(name)} holds the attack named ${JSON.stringify(a.name)}`);
}

export function getAttack(name: AttackName): Attack {
  const a: Attack | undefined = ATTACK_REGISTRY[name];
  if (a === undefined) throw new Error(`getAttack: unknown attack ${JSON.stringify(name)}; known: ${Object.keys(ATTACK_REGISTRY).join(', ')}`);
  return a;
}

export type { Attack, AttackParams, AttackCapabilities, AttackDefaults, AttackHooks, StepRule } from './attack.js';
export { autoAttack, AUTOATTACK_ORDER } from './autoattack.js';
export type { AutoAttackResult, AutoAttackPart } from './autoattack.js';
export { compositeAttack, runComposite } from './multi-attack.js';
export { attackCleanCorrect, checkCapabilities } from './clean-correct.js';
export { pgdEval } from './pgd.js';
export { multiTargetedPgd } from './mpgd.js';
