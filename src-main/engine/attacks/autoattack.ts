/**
 * AutoAttack, standard version, L-inf (Croce & Hein 2020; fra31/auto-attack autoattack.py):
 * APGD-CE, APGD-T (9 targets), FAB-T (9 targets), Square (5000 queries), in that order, each on
 * the points every earlier attack failed to break; a point is robust only if all four fail (the
 * per-point worst case, not an average of attacks). Clean-misclassified points start non-robust.
 * The four attacks always run with the standard iterations and queries (params.steps is ignored).
 */
import { tf } from '../tf.js';
import type { Attack, AttackParams } from './attack.js';
import type { LogitsFn } from '../models/model.js';
import { RowBuffer, gatherLabels, gatherRows, indicesOf, labelsOf, predictLabels } from './batch-ops.js';
import { apgdCe } from './apgd-ce.js';
import { apgdTargeted } from './apgd-t.js';
import { fabTargeted } from './fab.js';
import { squareAttack } from './square.js';

export const AUTOATTACK_ORDER = ['apgd-ce', 'apgd-t', 'fab-t', 'square'] as const;
export type AutoAttackPart = (typeof AUTOATTACK_ORDER)[number];

type PartFn = (f: LogitsFn, x: tf.Tensor4D, y: tf.Tensor1D, p: AttackParams) => tf.Tensor4D;
const PARTS: Record<AutoAttackPart, PartFn> = {
  'apgd-ce': (f, x, y, p) => apgdCe(f, x, y, p),
  'apgd-t': (f, x, y, p) => apgdTargeted(f, x, y, p),
  'fab-t': (f, x, y, p) => fabTargeted(f, x, y, p),
  square: (f, x, y, p) => squareAttack(f, x, y, p),
};

export interface AutoAttackResult {
  /** Adversarial examples of broken points, clean points elsewhere.  [B,H,W,C] */
  xAdv: tf.Tensor4D;
  /** 1 = robust (correct on the clean point and after every attack).  [B] */
  robust: Uint8Array;
  /** Number of points still robust after each attack (and `clean` before any). */
  robustAfter: Record<'clean' | AutoAttackPart, number>;
}

export interface AutoAttackOptions {
  /** Subset / order of the attacks (default: the standard four). */
  attacks?: readonly AutoAttackPart[];
  /** Called after each attack with the number of points still robust. */
  onAttack?(name: AutoAttackPart, robust: number): void;
}

export function autoAttack(f: LogitsFn, x: tf.Tensor4D, y: tf.Tensor1D, p: AttackParams, o: AutoAttackOptions = {}): AutoAttackResult {
  const labels = labelsOf(y);
  const clean = predictLabels(f, x);
  const robust = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) robust[i] = clean[i] === labels[i] ? 1 : 0;
  const out = new RowBuffer(x);
  const robustAfter = { clean: count(robust), 'apgd-ce': 0, 'apgd-t': 0, 'fab-t': 0, square: 0 };
  const attacks = o.attacks ?? AUTOATTACK_ORDER;
  for (const name of AUTOATTACK_ORDER) {
    const idx = indicesOf(robust);
    // The targeted DLR loss needs 4 classes (z_pi4); auto-attack itself fails below that.
    const applicable = name !== 'apgd-t' || p.numClasses >= 4;
    if (attacks.includes(name) && applicable && idx.length > 0) {
      const xs = gatherRows(x, idx);
      const ys = gatherLabels(y, idx);
      // Each attack gets its own seed, as auto-attack seeds each perturb() call.
      const adv = PARTS[name](f, xs, ys, { ...p, seed: p.seed + AUTOATTACK_ORDER.indexOf(name) });
      const pred = predictLabels(f, adv);
      const broken: number[] = [];
      for (let r = 0; r < idx.length; r++) if (pred[r] !== labels[idx[r]]) { broken.push(r); robust[idx[r]] = 0; }
      out.write(adv, idx, broken);
      tf.dispose([xs, ys, adv]);
    }
    robustAfter[name] = count(robust);
    o.onAttack?.(name, robustAfter[name]);
  }
  return { xAdv: out.toTensor(), robust, robustAfter };
}

function count(flags: Uint8Array): number {
  let n = 0;
  for (const v of flags) n += v;
  return n;
}

export const autoAttackDef: Attack = {
  name: 'aa',
  async run(f, x, y, params) {
    const r = autoAttack(f, x, y, params);
    return r.xAdv;
  },
};
