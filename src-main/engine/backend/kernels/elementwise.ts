/**
 * Cheap kernels that were measurable in a training step's profile on stock wasm:
 * - Identity copied its input (about 1.5 ms per 4M floats, 36 calls a small-CNN step, from
 *   gradients of reshapes and adds); tensor data is immutable in tfjs (assign swaps the data id),
 *   so here the output shares the input's data by reference count, as tfjs-backend-cpu does.
 * - Cast to the same dtype copied too (ReLU's gradient casts step(x) to float32 every time).
 * - Maximum/Minimum ran a generic broadcasting loop at about 20 ns per element (PGD's projection
 *   onto the eps-ball, twice per iteration); same-shape float32 operands now use f32x4 min/max.
 */
import { tf } from '../../tf.js';
import { simdKernels } from './simd.js';
import { asWasmBackend, offsetOf, runKernel, type TensorInfo } from './wasm-kernel-utils.js';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

function identity(args: KernelArgs): TensorInfo {
  const backend = asWasmBackend(args.backend);
  const x = args.inputs.x as TensorInfo;
  if (x.dtype === 'string') return runKernel(tf.Identity, backend, { x });
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
}

function cast(args: KernelArgs): TensorInfo {
  const backend = asWasmBackend(args.backend);
  const x = args.inputs.x as TensorInfo;
  const { dtype } = args.attrs as unknown as tf.CastAttrs;
  if (x.dtype !== dtype || dtype === 'string') return runKernel(tf.Cast, backend, { x }, { dtype });
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype };
}

function binaryMinMax(name: typeof tf.Maximum | typeof tf.Minimum) {
  return (args: KernelArgs): TensorInfo => {
    const backend = asWasmBackend(args.backend);
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const same = a.dtype === 'float32' && b.dtype === 'float32' && a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);
    if (!same) return runKernel(name, backend, { a, b });
    const out = backend.makeOutput(a.shape, 'float32');
    const n = a.shape.reduce((p, q) => p * q, 1);
    const k = simdKernels(backend);
    (name === tf.Maximum ? k.maximum : k.minimum)(offsetOf(backend, a), offsetOf(backend, b), offsetOf(backend, out), n);
    return out;
  };
}

const setupFunc = (backend: unknown): void => void simdKernels(asWasmBackend(backend));

export const identityConfig: tf.KernelConfig = { kernelName: tf.Identity, backendName: 'wasm', kernelFunc: identity as unknown as tf.KernelFunc };
export const castConfig: tf.KernelConfig = { kernelName: tf.Cast, backendName: 'wasm', kernelFunc: cast as unknown as tf.KernelFunc };
export const maximumConfig: tf.KernelConfig = {
  kernelName: tf.Maximum, backendName: 'wasm', setupFunc, kernelFunc: binaryMinMax(tf.Maximum) as unknown as tf.KernelFunc,
};
export const minimumConfig: tf.KernelConfig = {
  kernelName: tf.Minimum, backendName: 'wasm', setupFunc, kernelFunc: binaryMinMax(tf.Minimum) as unknown as tf.KernelFunc,
};
