/**
 * Zero gradients for the kernels with boolean outputs that tfjs-core registers none for: a
 * comparison is piecewise constant, so its gradient is zero wherever it exists (PyTorch's
 * comparisons carry none either). Without them a tape that reaches one through a mask built from
 * the forward pass (selection masks as tensor ops on webgpu, `legal = positive + negative > 0` in
 * supervised-contrastive.ts) fails with "gradient function not found". Where a backend builds the
 * masks from values read outside the tape, no such kernel is on a tape path and nothing changes.
 */
import * as tf from '@tensorflow/tfjs-core';

const BOOL_KERNELS = [tf.Greater, tf.Less, tf.LessEqual, tf.Equal, tf.NotEqual, tf.LogicalAnd, tf.LogicalOr, tf.LogicalNot];

export function registerBoolGradients(): void {
  for (const kernelName of BOOL_KERNELS) {
    if (tf.getGradient(kernelName)) continue;
    tf.registerGradient({
      kernelName,
      inputsToSave: kernelName === tf.LogicalNot ? ['x'] : ['a', 'b'],
      gradFunc: (_dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]): Record<string, () => tf.Tensor> => {
        const zero = (t: tf.Tensor) => () => tf.zeros(t.shape, 'float32');
        return kernelName === tf.LogicalNot ? { x: zero(saved[0]) } : { a: zero(saved[0]), b: zero(saved[1]) };
      },
    });
  }
}
