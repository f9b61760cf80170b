/**
 * A small random ReLU network on 6x6x1 images (36 -> 16 -> 4 logits, seeded weights) and seeded
 * uniform images whose labels are the clean prediction except every fifth (so some images are
 * clean-misclassified). Non-linear, so PGD's iterates move between checkpoints, unlike a linear model.
 */
import { tf } from '../../src-main/engine/tf.js';
import type { LogitsFn } from '../../src-main/engine/models/model.js';
import { Rng } from '../../src-main/engine/rng.js';

export interface MlpProblem { f: LogitsFn; images: Float32Array; labels: Int32Array; dispose(): void }

export async function mlpProblem(n: number, seed: number): Promise<MlpProblem> {
  const w1 = tf.randomNormal([36, 16], 0, 1, 'float32', seed);
  const w2 = tf.randomNormal([16, 4], 0, 1, 'float32', seed + 1);
  const f: LogitsFn = (x) => tf.tidy(() => tf.matMul(tf.relu(tf.matMul(tf.reshape(x, [-1, 36]), w1)), w2) as tf.Tensor2D);
  const rng = new Rng(seed + 2);
  const images = Float32Array.from({ length: n * 36 }, () => rng.next());
  const pred = tf.tidy(() => tf.argMax(f(tf.tensor4d(images, [n, 6, 6, 1])), 1));
  const clean = Int32Array.from(await pred.data());
  pred.dispose();
  const labels = Int32Array.from(clean, (c, i) => (i % 5 === 4 ? (c + 1) % 4 : c));
  return { f, images, labels, dispose: () => tf.dispose([w1, w2]) };
}
