/**
 * Cost of the selection masks + L_SCL + its gradient for one batch of 128 (256 latents), on the
 * current tfjs backend (the caller picks it). Imported by bench/index.ts; runnable alone:
 * `npx tsx bench/selection.ts [backend]`.
 */
import { tf } from '../src-main/engine/tf.js';
import { contrastiveTerm } from '../src-main/engine/objectives/supervised-contrastive.js';
import type { DistanceName, SelectionName } from '../src-main/engine/config/options.js';
import { Rng } from '../src-main/engine/rng.js';

const B = 128;
const NUM_CLASSES = 10;

function timeOne(d: number, distance: DistanceName, selection: SelectionName, iterations: number): number {
  const rng = new Rng(d);
  const zNat = tf.randomNormal([B, d], 0, 1, 'float32', rng.seed()) as tf.Tensor2D;
  const zAdv = tf.randomNormal([B, d], 0, 1, 'float32', rng.seed()) as tf.Tensor2D;
  const y = tf.tensor1d(Array.from({ length: B }, () => rng.int(NUM_CLASSES)), 'int32');
  const pNat = tf.tensor1d(Array.from({ length: B }, () => rng.int(NUM_CLASSES)), 'int32');
  const pAdv = tf.tensor1d(Array.from({ length: B }, () => rng.int(NUM_CLASSES)), 'int32');
  const opts = { distance, normalize: distance !== 'cosine', tau: 0.07, selection, leakedCounterpart: 'paper' as const };
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

/** ms per (masks + L_SCL + gradient) at B=128 (256 latents), keyed `<distance>/<selection>/D<dim>`. */
export async function selectionBench(iterations = 10): Promise<Record<string, number>> {
  await tf.ready();
  const out: Record<string, number> = {};
  for (const d of [128, 256]) {
    for (const [distance, selection] of [['cosine', 'global'], ['cosine', 'leaked'], ['l2', 'leaked'], ['linf', 'leaked']] as const) {
      out[`${distance}/${selection}/D${d}`] = timeOne(d, distance, selection, iterations);
    }
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const backend = process.argv[2] ?? 'cpu';
  if (backend === 'cpu') await import('@tensorflow/tfjs-backend-cpu');
  if (backend === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  await tf.setBackend(backend);
  const r = await selectionBench();
  for (const [k, v] of Object.entries(r)) console.log(`${k.padEnd(24)} ${v.toFixed(2)} ms`);
  console.log(JSON.stringify({ backend, selectionMs: r }));
}
