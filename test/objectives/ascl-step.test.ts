/**
 * One whole ASCL training step against the authors' PyTorch loss functions: the loss and the gradients
 * of every parameter of a small-cnn, with fixed weights, a fixed batch and fixed adversarial examples
 * (so PGD's randomness is out), for ASCL on ADV and ASCL on TRADES. The values come from
 * test/fixtures/golden/make_ascl_step.py (float64), stored in ascl_step.json; this test reads only the
 * JSON. Weights are drawn here with the same mulberry32 streams as the script.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { tf } from '../../src-main/engine/tf.js';
import '@tensorflow/tfjs-backend-cpu';
import { parseRunConfig, type RunConfigInput } from '../../src-main/shared/run-config.js';
import { createModel, setNamedWeights } from '../../src-main/engine/models/index.js';
import { stableWeightName } from '../../src-main/engine/models/params.js';
import { asclObjective } from '../../src-main/engine/objectives/ascl.js';
import type { ObjectiveContext } from '../../src-main/engine/objectives/objective.js';
import { Rng } from '../../src-main/engine/rng.js';
import type { NamedArrays } from '../../src-main/engine/train/types.js';

const Projection = z.object({ sumSquares: z.number(), dotR1: z.number(), dotR2: z.number(), first: z.array(z.number()).length(8) });
const Golden = z.object({
  shape: z.object({ batch: z.number().int(), height: z.number().int(), width: z.number().int(), channels: z.number().int(), classes: z.number().int() }),
  x: z.array(z.number()), xAdv: z.array(z.number()), y: z.array(z.number().int()),
  cases: z.array(z.object({ case: z.string(), loss: z.number(), gradients: z.record(z.string(), Projection) })).length(2),
});
const golden = Golden.parse(JSON.parse(readFileSync(resolve(import.meta.dirname, '../fixtures/golden/ascl_step.json'), 'utf8')));
const { batch: B, height: H, width: W, channels: C, classes: K } = golden.shape;

/** The script's WEIGHT_ORDER: name, shape, fan-in. */
const WEIGHTS: Array<[string, number[]]> = [
  ['conv1/kernel', [3, 3, C, 32]], ['conv1/bias', [32]], ['conv2/kernel', [3, 3, 32, 64]], ['conv2/bias', [64]],
  ['dense1/kernel', [(H / 4) * (W / 4) * 64, 128]], ['dense1/bias', [128]], ['dense2/kernel', [128, K]], ['dense2/bias', [K]],
];

function goldenWeights(): NamedArrays {
  const out: NamedArrays = {};
  WEIGHTS.forEach(([name, shape], v) => {
    const rng = new Rng(100 + v);
    const n = shape.reduce((a, b) => a * b, 1);
    const fanIn = shape.length === 4 ? shape[0] * shape[1] * shape[2] : shape[0];
    const data = new Float32Array(n);
    for (let k = 0; k < n; k++) {
      const u = rng.next();
      data[k] = shape.length > 1 ? (2 * u - 1) * 1.5 / Math.sqrt(fanIn) : (2 * u - 1) * 0.1 + (name === 'dense1/bias' ? 0.05 : 0);
    }
    out[name] = { shape, data };
  });
  return out;
}

/** The script's projections of a gradient, in float64. */
function project(g: Float32Array): z.infer<typeof Projection> {
  let sumSquares = 0, dotR1 = 0, dotR2 = 0;
  for (let k = 0; k < g.length; k++) {
    sumSquares += g[k] * g[k];
    dotR1 += g[k] * Math.sin(0.37 * k + 1);
    dotR2 += g[k] * (Math.cos(0.11 * k) - 0.5);
  }
  return { sumSquares, dotR1, dotR2, first: Array.from(g.subarray(0, 8)) };
}

/** The engine options each case corresponds to (see the script's docstring). */
const CASES: Record<string, RunConfigInput> = {
  'adv-leaked-code': {
    adversary: 'pgd', selection: 'leaked', lambdaNat: 1, sclReduction: 'anchor-mean', adversarialAnchorKey: 'code', leakedCounterpart: 'code', vatScaling: 'code',
  },
  'trades-global-paper': { adversary: 'trades', selection: 'global', tradesBeta: 6, sclReduction: 'eq3', vatScaling: 'paper' },
};

beforeAll(async () => { await tf.setBackend('cpu'); });

describe('one ASCL training step against the authors\' loss functions (PyTorch float64, test/fixtures/golden/ascl_step.json)', () => {
  it.each(golden.cases.map((c) => ({ name: c.case, c })))('$name: loss and every parameter gradient of small-cnn (B=8, 8x8x3, K=10) within 1e-4 relative', ({ name, c }) => {
    const config = parseRunConfig({ dataset: 'synthetic', defense: 'ascl', model: 'small-cnn', lambdaScl: 1, lambdaVat: 2, tau: 0.07, distance: 'cosine', ...CASES[name] });
    const model = createModel('small-cnn', { inputShape: [H, W, C], numClasses: K, projectionHead: 'none', seed: 0 });
    setNamedWeights(model, goldenWeights());
    const x = tf.tensor4d(golden.x, [B, H, W, C]);
    const xAdv = tf.tensor4d(golden.xAdv, [B, H, W, C]);
    const y = tf.tensor1d(golden.y, 'int32');
    const ctx: ObjectiveContext = { model, config, eps: 8 / 255, stepSize: 2 / 255, rng: new Rng(0), epoch: 1, step: 0 };
    const { value, grads } = tf.variableGrads(() => asclObjective.loss(ctx, { x, y, xAdv }, () => {}), model.trainableVariables());
    const loss = value.dataSync()[0];
    expect(Math.abs(loss - c.loss)).toBeLessThanOrEqual(1e-4 * Math.abs(c.loss));
    const byName = Object.fromEntries(Object.entries(grads).map(([n, g]) => [stableWeightName(n), g]));
    expect(Object.keys(byName).sort()).toEqual(Object.keys(c.gradients).sort());
    for (const [wname, ref] of Object.entries(c.gradients)) {
      const got = project(byName[wname].dataSync() as Float32Array);
      const scale = Math.sqrt(ref.sumSquares); // projections are compared relative to the gradient's norm
      expect(Math.abs(got.sumSquares - ref.sumSquares), `${wname} sum of squares`).toBeLessThanOrEqual(2e-4 * ref.sumSquares);
      expect(Math.abs(got.dotR1 - ref.dotR1), `${wname} . r1`).toBeLessThanOrEqual(1e-4 * scale * Math.sqrt(byName[wname].size));
      expect(Math.abs(got.dotR2 - ref.dotR2), `${wname} . r2`).toBeLessThanOrEqual(1e-4 * scale * Math.sqrt(byName[wname].size));
      got.first.forEach((g, k) => expect(Math.abs(g - ref.first[k]), `${wname}[${k}]`).toBeLessThanOrEqual(1e-4 * scale + 1e-7));
    }
    tf.dispose([value, ...Object.values(grads), x, xAdv, y]);
    model.dispose();
  });
});
