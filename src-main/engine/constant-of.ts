/**
 * A value computed from tensors of the tape but carrying no gradient back to them (tfjs has no
 * stopGradient): selection masks from predictions, rank masks from logits. The ops inside run as one
 * tf.customGrad forward, which the tape does not record (it records no op nested in a kernel), so
 * ops without a registered gradient (Equal, LogicalAnd, TopK) may be used; every input gets a
 * float32 zero gradient.
 */
import { tf } from './tf.js';

export function constantOf(inputs: tf.Tensor[], fn: (...xs: tf.Tensor[]) => tf.Tensor): tf.Tensor {
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const xs = args.slice(0, inputs.length) as tf.Tensor[];
    return {
      value: tf.tidy(() => fn(...xs)),
      gradFunc: () => xs.map((x) => tf.zeros(x.shape, 'float32')),
    };
  }) as (...xs: tf.Tensor[]) => tf.Tensor;
  return f(...inputs);
}
