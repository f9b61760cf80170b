/**
 * A composite of registered attacks (torchattacks' MultiAttack, auto-attack's run_standard_evaluation):
 * the parts run in order, each on the points every earlier part failed to break, with its own
 * iterations and seed; a point is robust only if every part fails (the per-point worst case, not an
 * average of attacks). Clean-misclassified points start non-robust. A part whose capabilities do not
 * fit the problem (fewer classes than it needs) is skipped, as auto-attack skips APGD-T below 4.
 */
import { tf } from '../tf.js';
import type { AttackName, DatasetName } from '../../shared/options.js';
import type { LogitsFn } from '../models/model.js';
import type { Attack, AttackDefaults, AttackHooks, AttackParams } from './attack.js';
import { RowBuffer, gatherLabels, gatherRows, indicesOf, labelsOf, predictLabels } from './batch-ops.js';

/** One part: a registered attack and the iterations (or queries) it always runs with inside the composite. */
export interface CompositePart {
  attack: Attack;
  steps: number;
  /** The part's seed is params.seed + seedOffset (default: its index). */
  seedOffset?: number;
}

export interface CompositeResult {
  /** Adversarial examples of broken points, clean points elsewhere.  [B,H,W,C] */
  xAdv: tf.Tensor4D;
  /** 1 = robust (correct on the clean point and after every part).  [B] */
  robust: Uint8Array;
  /** Points still robust after each part (`clean`: before any). */
  robustAfter: Record<string, number>;
}

/** Runs `parts` in order on the still-robust points of x; part i gets seed params.seed + (seedOffset ?? i). */
export async function runComposite(parts: readonly CompositePart[], f: LogitsFn, x: tf.Tensor4D, y: tf.Tensor1D,
  p: AttackParams, hooks: AttackHooks = {}): Promise<CompositeResult> {
  const labels = await labelsOf(y);
  const clean = await predictLabels(f, x);
  const robust = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) robust[i] = clean[i] === labels[i] ? 1 : 0;
  const out = await RowBuffer.of(x);
  const robustAfter: Record<string, number> = { clean: count(robust) };
  for (const [i, { attack, steps, seedOffset }] of parts.entries()) {
    const idx = indicesOf(robust);
    if (idx.length > 0 && p.numClasses >= attack.capabilities.minClasses) {
      const xs = gatherRows(x, idx);
      const ys = gatherLabels(y, idx);
      const adv = await attack.run(f, xs, ys, { ...p, steps, seed: p.seed + (seedOffset ?? i) });
      const pred = await predictLabels(f, adv);
      const broken: number[] = [];
      for (let r = 0; r < idx.length; r++) if (pred[r] !== labels[idx[r]]) { broken.push(r); robust[idx[r]] = 0; }
      await out.write(adv, idx, broken);
      tf.dispose([xs, ys, adv]);
    }
    robustAfter[attack.name] = count(robust);
    hooks.onPart?.(attack.name, robustAfter[attack.name]);
    if (i < parts.length - 1) hooks.onProgress?.((i + 1) / parts.length);
  }
  return { xAdv: out.toTensor(), robust, robustAfter };
}

/** A registered composite attack: the parts' capabilities are each checked when the part runs. */
export function compositeAttack(name: AttackName, parts: readonly CompositePart[], defaults: (dataset: DatasetName) => AttackDefaults): Attack {
  if (parts.length === 0) throw new Error(`compositeAttack(${name}): needs at least one part`);
  return {
    name,
    parts: parts.map((q) => q.attack.name),
    capabilities: {
      minClasses: Math.min(...parts.map((q) => q.attack.capabilities.minClasses)),
      targets: null, step: 'own', configurableSteps: false,
    },
    defaults,
    async run(f, x, y, params, hooks) {
      return (await runComposite(parts, f, x, y, params, hooks)).xAdv;
    },
  };
}

function count(flags: Uint8Array): number {
  let n = 0;
  for (const v of flags) n += v;
  return n;
}
