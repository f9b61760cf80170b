/**
 * This project's wasm kernels, registered over (or beside) tfjs-backend-wasm 4.22's own.
 * Call `registerWasmKernels()` BEFORE `tf.setBackend('wasm')`: kernel setup runs at backend start.
 */
import { tf } from '../../tf.js';
import { batchMatMulConfig } from './batch-mat-mul.js';
import { batchNormTrainingConfig, batchNormTrainingGradConfig, batchNormTrainingGradient } from './batch-norm-training.js';
import { conv2DConfig } from './conv2d.js';
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { conv2DBackpropInputConfig } from './conv2d-backprop-input.js';
import { castConfig, identityConfig, maximumConfig, minimumConfig } from './elementwise.js';
import { maxPoolGradConfig } from './max-pool-grad.js';
import { sumConfig } from './channel-sum.js';
import { installReluGradient, reluGradConfig } from './relu-grad.js';
import { registerWasmKernel } from './wasm-kernel-utils.js';

export const WASM_KERNELS: readonly tf.KernelConfig[] = [
  conv2DConfig,
  conv2DBackpropFilterConfig,
  conv2DBackpropInputConfig,
  batchMatMulConfig,
  maxPoolGradConfig,
  batchNormTrainingConfig,
  batchNormTrainingGradConfig,
  identityConfig,
  castConfig,
  sumConfig,
  reluGradConfig,
  maximumConfig,
  minimumConfig,
];

let registered = false;

/** Idempotent. Returns the kernel names now served by this project's code on wasm. */
export function registerWasmKernels(): string[] {
  if (!registered) {
    for (const k of WASM_KERNELS) registerWasmKernel(k);
    // The gradient registry is shared by all backends; the kernel it calls exists on wasm only,
    // and batchNormTraining uses the op there only.
    if (!tf.getGradient(batchNormTrainingGradient.kernelName)) tf.registerGradient(batchNormTrainingGradient);
    installReluGradient();
    registered = true;
  }
  return WASM_KERNELS.map((k) => k.kernelName);
}
