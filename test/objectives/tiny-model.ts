/** A tiny dense ClassifierModel for fast objective tests on the cpu backend (not a test file). */
import { tf } from '../../src-main/engine/tf.js';
import type { ClassifierModel, ModelOutput } from '../../src-main/engine/models/model.js';
import type { ProjectionHead } from '../../src-main/shared/options.js';
import { Rng } from '../../src-main/engine/rng.js';
import { tidyOutput } from '../../src-main/engine/models/layers.js';

let counter = 0;

/** x [B, 4, 4, 1] -> flatten -> dense 6 + tanh (latent z) -> dense K (logits); optional linear head p1 to 5. */
export function tinyModel(numClasses = 3, seed = 1, head: ProjectionHead = 'none'): ClassifierModel {
  const rng = new Rng(seed);
  const id = counter++;
  const v = (name: string, shape: number[]) => tf.variable(
    tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.next() - 0.5), shape), true, `tiny#${id}/${name}`);
  const w1 = v('w1', [16, 6]), b1 = v('b1', [6]), w2 = v('w2', [6, numClasses]), b2 = v('b2', [numClasses]);
  const wp = head === 'none' ? null : v('wp', [6, 5]);
  const vars = [w1, b1, w2, b2, ...(wp ? [wp] : [])];
  return {
    name: 'external', numClasses, latentDim: 6, inputShape: [4, 4, 1], projectionHead: head,
    forward(x): ModelOutput {
      return tidyOutput(() => {
        const latent = tf.tanh(tf.add(tf.matMul(tf.reshape(x, [x.shape[0], 16]), w1), b1)) as tf.Tensor2D;
        const logits = tf.add(tf.matMul(latent, w2), b2) as tf.Tensor2D;
        return { latent, logits, projection: wp ? tf.matMul(latent, wp) as tf.Tensor2D : null };
      });
    },
    trainableVariables: () => vars,
    stateVariables: () => [],
    dispose: () => vars.forEach((t) => t.dispose()),
  };
}
