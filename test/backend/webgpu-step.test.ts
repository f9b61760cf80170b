/**
 * Every op of the training step on webgpu against cpu, with the wasm kernels' tolerances
 * (1e-4 of each output's scale; test/backend/compare.ts): the loss and every parameter gradient of
 * small-cnn with batch norm in training mode (conv, batch norm forward and backward, ReLU, max-pool
 * and its gradient, dense) for each objective, each selection strategy with both anchor keys and both
 * counterpart rules, and each distance; the selection masks themselves entry by entry (webgpu builds
 * them with tensor ops, cpu with loops). Runs on the software adapter where no GPU exists (CI).
 */
import { describe, expect, it } from 'vitest';
import { tf } from '../../src-main/engine/tf.js';
import { parseRunConfig, type RunConfigInput } from '../../src-main/shared/run-config.js';
import { SELECTIONS } from '../../src-main/shared/options.js';
import { createModel } from '../../src-main/engine/models/index.js';
import { objectiveRegistry } from '../../src-main/engine/objectives/index.js';
import type { ObjectiveContext } from '../../src-main/engine/objectives/objective.js';
import { getSelection } from '../../src-main/engine/selection/index.js';
import { Rng } from '../../src-main/engine/rng.js';
import { expectClose, randomArray } from './compare.js';
import { onCpuAndWebgpu, webgpuForTests } from './webgpu.js';

const gpu = await webgpuForTests();
const B = 8, H = 8, W = 8, C = 3, K = 10;
const LABELS = [0, 1, 2, 3, 0, 1, 2, 3];

/** Loss and gradients of one step's objective on fixed x, xAdv (so the adversary's randomness is out). */
function stepGradients(input: RunConfigInput): tf.Tensor[] {
  const config = parseRunConfig({ dataset: 'synthetic', model: 'small-cnn', batchNorm: true, lambdaScl: 1, ...input });
  const model = createModel('small-cnn', { inputShape: [H, W, C], numClasses: K, projectionHead: config.projectionHead, seed: 0, batchNorm: true });
  const x = tf.tensor4d(randomArray(B * H * W * C, 1).map((v) => (v + 1) / 2), [B, H, W, C]);
  const xAdv = tf.tensor4d(randomArray(B * H * W * C, 2).map((v) => (v + 1) / 2), [B, H, W, C]);
  const y = tf.tensor1d(LABELS, 'int32');
  const ctx: ObjectiveContext = {
    model, config, eps: 8 / 255, stepSize: 2 / 255, rng: new Rng(0), epoch: 1, step: 0, augment: (t) => tf.clone(t),
  };
  const { value, grads } = tf.variableGrads(() => objectiveRegistry.get(config.defense).loss(ctx, { x, y, xAdv }, () => {}), model.trainableVariables());
  const out = [value, ...Object.keys(grads).sort().map((k) => grads[k])];
  tf.dispose([x, xAdv, y]);
  model.dispose();
  return out;
}

const CASES: RunConfigInput[] = [
  { defense: 'nat' }, { defense: 'adv' }, { defense: 'trades' }, { defense: 'adr' }, { defense: 'scl' },
  ...SELECTIONS.map((selection) => ({ defense: 'ascl' as const, selection })),
  { defense: 'ascl', selection: 'leaked', leakedCounterpart: 'code', adversarialAnchorKey: 'code' },
  { defense: 'ascl', selection: 'soft', adversarialAnchorKey: 'paper', sclReduction: 'eq3' },
  { defense: 'ascl', adversary: 'trades', selection: 'hard', distance: 'l1' },
  { defense: 'ascl', selection: 'global', distance: 'linf' },
  { defense: 'ascl', selection: 'leaked', distance: 'l2', projectionHead: 'p2' },
  { defense: 'ascl', selection: 'soft', distance: 'matmul', normalizeLatent: true },
];

describe.skipIf(gpu.unavailable !== null)(`webgpu training step matches cpu (small-cnn B=${B} ${H}x${W}x${C} K=${K}, batch norm training mode; adapter ${gpu.adapter?.name ?? `none: ${gpu.unavailable}`})`, () => {
  it.each(CASES.map((c) => [JSON.stringify(c), c] as const))('%s: loss and every gradient within 1e-4 of each output\'s scale', async (_name, c) => {
    const r = await onCpuAndWebgpu(() => stepGradients(c));
    expect(r.webgpu.length).toBeGreaterThan(8);
    expectClose(r.webgpu, r.cpu, 1e-4, JSON.stringify(c));
  });

  const MASK_CASES = SELECTIONS.flatMap((s) => (['paper', 'code'] as const).flatMap((key) => (['paper', 'code'] as const).map((cp) => [s, key, cp] as const)));
  it.each(MASK_CASES)('selection %s, adversarialAnchorKey %s, leakedCounterpart %s: masks [16, 16] equal entry by entry (tensor ops vs loops)', async (s, key, cp) => {
    // 2B = 16 rows, 4 classes: labels repeat for the adversarial half, predictions mix hits and misses.
    const labels = [...LABELS, ...LABELS];
    const preds = [0, 2, 2, 3, 1, 1, 0, 3, 0, 1, 3, 3, 0, 2, 2, 1];
    const r = await onCpuAndWebgpu(() => {
      const m = getSelection(s).masks({ labels: tf.tensor1d(labels, 'int32'), preds: tf.tensor1d(preds, 'int32'), leakedCounterpart: cp, adversarialAnchorKey: key });
      return [m.positive, m.negative];
    });
    expect(Array.from(r.webgpu[0])).toEqual(Array.from(r.cpu[0]));
    expect(Array.from(r.webgpu[1])).toEqual(Array.from(r.cpu[1]));
    expect(r.cpu[0].reduce((a, v) => a + v, 0)).toBeGreaterThan(0);
  });
});
