/**
 * Cost of the selection masks + L_SCL + its gradient for one batch of 128 (256 latents), on the
 * current tfjs backend (the caller picks it). Imported by bench/index.ts; runnable alone:
 * `npx tsx bench/selection.ts [backend]`.
 */
import { tf } from '../src-main/engine/tf.js';
import { contrastiveTerm } from '../src-main/engine/objectives/supervised-contrastive.js';
import type { DistanceName, SelectionName } from '../src-main/shared/options.js';
import { Rng } from '../src-main/engine/rng.js';
import { createModel } from '../src-main/engine/models/index.js';
import { crossEntropyPerSample } from '../src-main/engine/attacks/losses.js';

const B = 128;
const NUM_CLASSES = 10;

function timeOne(d: number, distance: DistanceName, selection: SelectionName, iterations: number): number {
  const rng = new Rng(d);
  const zNat = tf.randomNormal([B, d], 0, 1, 'float32', rng.seed()) as tf.Tensor2D;
  const zAdv = tf.randomNormal([B, d], 0, 1, 'float32', rng.seed()) as tf.Tensor2D;
  const y = tf.tensor1d(Array.from({ length: B }, () => rng.int(NUM_CLASSES)), 'int32');
  const pNat = tf.tensor1d(Array.from({ length: B }, () => rng.int(NUM_CLASSES)), 'int32');
  const pAdv = tf.tensor1d(Array.from({ length: B }, () => rng.int(NUM_CLASSES)), 'int32');
  const opts = { distance, normalize: distance !== 'cosine', tau: 0.07, selection, leakedCounterpart: 'paper' as const, adversarialAnchorKey: 'paper' as const, reduction: 'eq3' as const };
  const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) => {
    const t = contrastiveTerm(a as tf.Tensor2D, b as tf.Tensor2D, y, pNat, pAdv, opts);
    t.counts.dispose();
    return t.loss;
  });
  const run = (): void => { const g = grads([zNat, zAdv]); g[0].dataSync(); tf.dispose(g); };
  run(); run(); // warm-up (kernel compilation, allocations)
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) run();
  const ms = (performance.now() - t0) / iterations;
  tf.dispose([zNat, zAdv, y, pNat, pAdv]);
  return ms;
}

/** One PGD step (training-mode forward + input gradient) of small-cnn on a CIFAR-shaped batch of 128. */
function pgdStepMs(iterations: number): number {
  const model = createModel('small-cnn', { inputShape: [32, 32, 3], numClasses: NUM_CLASSES, projectionHead: 'none', seed: 0 });
  const x = tf.randomUniform([B, 32, 32, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
  const y = tf.tensor1d(Array.from({ length: B }, (_, i) => i % NUM_CLASSES), 'int32');
  const g = tf.grad((xa: tf.Tensor) => tf.sum(crossEntropyPerSample(model.forward(xa as tf.Tensor4D, { training: true }).logits, y)));
  const run = (): void => { const r = g(x); r.dataSync(); r.dispose(); };
  run(); run();
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) run();
  const ms = (performance.now() - t0) / iterations;
  tf.dispose([x, y]);
  model.dispose();
  return ms;
}

/**
 * ms per (masks + L_SCL + gradient) at B=128 (256 latents), keyed `<distance>/<selection>/D<dim>`,
 * the ms of one small-cnn PGD step (`pgdStep/small-cnn`) measured in the same conditions, and
 * `fraction/<key>` = the contrastive cost over that PGD step.
 */
export async function selectionBench(iterations = 10): Promise<Record<string, number>> {
  await tf.ready();
  const out: Record<string, number> = {};
  out['pgdStep/small-cnn'] = pgdStepMs(iterations);
  for (const d of [128, 256]) {
    for (const [distance, selection] of [['cosine', 'global'], ['cosine', 'leaked'], ['l2', 'leaked'], ['linf', 'leaked']] as const) {
      out[`${distance}/${selection}/D${d}`] = timeOne(d, distance, selection, iterations);
    }
  }
  for (const k of Object.keys(out)) if (k.includes('/D')) out[`fraction/${k}`] = out[k] / out['pgdStep/small-cnn'];
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { initBackend } = await import('../src-main/engine/backend/index.js');
  const backend = await initBackend((process.argv[2] ?? 'auto') as 'auto');
  const r = await selectionBench();
  for (const [k, v] of Object.entries(r)) console.log(`${k.padEnd(34)} ${v.toFixed(k.startsWith('fraction') ? 3 : 2)}${k.startsWith('fraction') ? '' : ' ms'}`);
  console.log(JSON.stringify({ backend, selectionMs: r }));
}
