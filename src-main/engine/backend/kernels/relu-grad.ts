/**
 * ReLU's gradient as one SIMD kernel on wasm: dx = x > 0 ? dy : 0. tfjs-core's registered
 * gradient computes dy * cast(step(x), 'float32'), three kernels and two full-size temporaries
 * per ReLU per backward pass. The gradient registry is global (tfjs has no unregister for it and
 * re-registering warns), so `installReluGradient` wraps the registered config's gradFunc in
 * place: on a backend with `AsclReluGrad` it uses the kernel, elsewhere the original.
 */
import { tf } from '../../tf.js';
import { MIN_SHARE_ELEMENTS, kernelPool } from './kernel-pool.js';
import { simdKernels } from './simd.js';
import { asWasmBackend, offsetOf, type TensorInfo } from './wasm-kernel-utils.js';

export const RELU_GRAD = 'AsclReluGrad';

function reluGrad(args: { inputs: tf.NamedTensorInfoMap; backend: unknown }): TensorInfo {
  const backend = asWasmBackend(args.backend);
  const { dy, x } = args.inputs as { dy: TensorInfo; x: TensorInfo };
  const out = backend.makeOutput(x.shape, 'float32');
  const n = x.shape.reduce((p, q) => p * q, 1);
  // shares of 16 floats (64 bytes): threads meet in at most one cache line
  kernelPool(backend).run('reluGrad', [offsetOf(backend, dy), offsetOf(backend, x), offsetOf(backend, out), n], n, 16, MIN_SHARE_ELEMENTS);
  return out;
}

export const reluGradConfig: tf.KernelConfig = {
  kernelName: RELU_GRAD,
  backendName: 'wasm',
  setupFunc: (backend) => void simdKernels(asWasmBackend(backend)),
  kernelFunc: reluGrad as unknown as tf.KernelFunc,
};

let installed = false;

export function installReluGradient(): void {
  if (installed) return;
  const config = tf.getGradient(tf.Relu);
  if (!config) throw new Error('installReluGradient: no gradient registered for Relu (tf.ts must register the gradients first)');
  const original = config.gradFunc;
  (config as { gradFunc: tf.GradFunc }).gradFunc = (dy, saved, attrs) => {
    const [x] = saved;
    const fused = tf.getKernel(RELU_GRAD, tf.getBackend()) !== undefined && x.dtype === 'float32';
    if (!fused) return original(dy, saved, attrs);
    return { x: () => tf.engine().runKernel(RELU_GRAD, { dy, x } as unknown as tf.NamedTensorMap) as tf.Tensor };
  };
  installed = true;
}
