/**
 * Every attack on webgpu against cpu: the adversarial examples of small-cnn (batch norm frozen,
 * inference mode) for the same seed, within the wasm kernels' tolerance (1e-4 of the scale), and the
 * targeted DLR loss with its gradient (rank masks: tf.topk on webgpu, a sort on cpu). AutoAttack is
 * the sequence of its parts (APGD-CE, APGD-T, FAB-T, Square), each checked here with few iterations;
 * its standard version runs 100 iterations per target, too long for the software adapter.
 */
import { describe, expect, it } from 'vitest';
import { tf } from '../../src-main/engine/tf.js';
import { ATTACKS, type AttackName } from '../../src-main/shared/options.js';
import { createModel, logitsFn } from '../../src-main/engine/models/index.js';
import { getAttack } from '../../src-main/engine/attacks/index.js';
import { targetedDlr } from '../../src-main/engine/attacks/losses.js';
import { expectClose, randomArray } from './compare.js';
import { onCpuAndWebgpu, webgpuForTests } from './webgpu.js';

const gpu = await webgpuForTests();
const B = 6, H = 8, W = 8, C = 3, K = 10, EPS = 8 / 255;
const LABELS = [0, 1, 2, 3, 4, 5];
const SINGLE: AttackName[] = ATTACKS.filter((a) => a !== 'aa');
/** FAB-T returns the clean point where it finds no adversarial one: a larger budget gives it some. */
const epsOf = (name: AttackName): number => (name === 'fab-t' ? 0.25 : EPS);

async function attackOn(name: AttackName): Promise<tf.Tensor[]> {
  const model = createModel('small-cnn', { inputShape: [H, W, C], numClasses: K, projectionHead: 'none', seed: 4, batchNorm: true });
  const x = tf.tensor4d(randomArray(B * H * W * C, 7).map((v) => (v + 1) / 2), [B, H, W, C]);
  const y = tf.tensor1d(LABELS, 'int32');
  const steps = name === 'square' ? 40 : name === 'fab-t' ? 10 : 4;
  const adv = await getAttack(name).run(logitsFn(model), x, y, { eps: epsOf(name), stepSize: epsOf(name) / 4, steps, randomStart: true, restarts: 1, numClasses: K, seed: 3 });
  const delta = tf.sub(adv, x);
  tf.dispose([x, y]);
  model.dispose();
  return [adv, delta];
}

describe.skipIf(gpu.unavailable !== null)(`webgpu attacks match cpu (small-cnn B=${B} ${H}x${W}x${C} K=${K}, eps 8/255; adapter ${gpu.adapter?.name ?? `none: ${gpu.unavailable}`})`, () => {
  it.each(SINGLE)('%s (4 iterations; fab-t 10 at eps 0.25, square 40 queries; seed 3): adversarial examples and perturbations within 1e-4 of the scale', async (name) => {
    const r = await onCpuAndWebgpu(() => attackOn(name));
    expectClose(r.webgpu, r.cpu, 1e-4, name);
    let worst = 0;
    for (const v of r.webgpu[1]) worst = Math.max(worst, Math.abs(v));
    expect(worst).toBeLessThanOrEqual(epsOf(name) + 1e-6);
  });

  it('targeted DLR (APGD-T, eq. 7) of logits [6, 10] with a tie-free order: value and gradient', async () => {
    const z0 = randomArray(B * K, 9, 3);
    const r = await onCpuAndWebgpu(() => {
      const z = tf.tensor2d(z0, [B, K]);
      const y = tf.tensor1d(LABELS, 'int32');
      const t = tf.tensor1d([9, 8, 7, 6, 5, 4], 'int32');
      const value = targetedDlr(z, y, t);
      const g = tf.grad((a: tf.Tensor) => tf.sum(targetedDlr(a as tf.Tensor2D, y, t)))(z);
      return [value, g];
    });
    expectClose(r.webgpu, r.cpu, 1e-4, 'targetedDlr');
  });
});
