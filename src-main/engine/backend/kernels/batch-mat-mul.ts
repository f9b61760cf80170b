/**
 * BatchMatMul for wasm that keeps transposed products on XNNPACK. The stock kernel sends only
 * untransposed products with batch 1 to XNNPACK's fully-connected operator; everything else
 * runs a naive loop at 0.6-2.3 GFLOPS, which is the dense layers' whole backward pass
 * (dx = dy W^T, dW = x^T dy). Here a transposed operand is transposed explicitly (cheap, memory
 * bound) and the product goes to the fast path. Products with batch > 1 keep the stock kernel.
 * A transposed B is cached by its source's data id (tfjs data is immutable): in a step the dense
 * weights W serve dx = dy W^T in all 11 backward passes (PGD-10 + the update), and XNNPACK keeps
 * its packed copy of the cached operand too. Entries whose source is gone are freed.
 */
import { tf } from '../../tf.js';
import { asWasmBackend, DerivedCache, free, runKernel, type TensorInfo, type WasmBackendLike } from './wasm-kernel-utils.js';

const transposedB = new DerivedCache(8);

/** [.., r, c] -> [c, r] as a 2-D transpose (leading unit dimensions dropped). */
function transpose2d(backend: WasmBackendLike, x: TensorInfo): TensorInfo {
  const [r, c] = x.shape.slice(-2);
  const flat = runKernel('Reshape', backend, { x }, { shape: [r, c] });
  const t = runKernel('Transpose', backend, { x: flat }, { perm: [1, 0] });
  free(backend, flat);
  return t;
}

function batchMatMul(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): TensorInfo {
  const backend = asWasmBackend(args.backend);
  const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
  const { transposeA, transposeB } = args.attrs as unknown as tf.BatchMatMulAttrs;
  const batchA = a.shape.slice(0, -2).reduce((p, q) => p * q, 1);
  const batchB = b.shape.slice(0, -2).reduce((p, q) => p * q, 1);
  if ((!transposeA && !transposeB) || batchA !== 1 || batchB !== 1 || a.dtype !== 'float32' || b.dtype !== 'float32') {
    return runKernel(tf.BatchMatMul, backend, { a, b }, { transposeA, transposeB });
  }
  const a2 = transposeA ? transpose2d(backend, a) : a;
  const b2 = transposeB ? transposedB.get(backend, b, b.shape.slice(-2).join('x'), () => transpose2d(backend, b)) : b;
  const out = runKernel(tf.BatchMatMul, backend, { a: a2, b: b2 }, { transposeA: false, transposeB: false });
  if (a2 !== a) free(backend, a2);
  // Keep the rank tfjs expects: the leading unit dimensions of the larger-rank operand.
  const lead = (a.shape.length >= b.shape.length ? a.shape : b.shape).slice(0, -2);
  if (lead.length + 2 === out.shape.length) return out;
  const shaped = runKernel('Reshape', backend, { x: out }, { shape: [...lead, ...out.shape.slice(-2)] });
  free(backend, out);
  return shaped;
}

export const batchMatMulConfig: tf.KernelConfig = {
  kernelName: tf.BatchMatMul,
  backendName: 'wasm',
  kernelFunc: batchMatMul as unknown as tf.KernelFunc,
};
