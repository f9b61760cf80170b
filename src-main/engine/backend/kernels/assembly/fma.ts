// Helpers shared by the implicit-GEMM convolution kernels (./conv-gemm.ts, ./conv-filter-grad.ts).

/** c + a*b: one fused multiply-add where the build enables relaxed SIMD, else a multiply then an add. */
// @ts-ignore: decorator
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** Byte offset of output pixel m's patch origin in the padded input. */
// @ts-ignore: decorator
@inline export function pixelBase(m: i32, oh: i32, ow: i32, hp: i32, wp: i32, ci: i32, sh: i32, sw: i32): usize {
  const q = m / ow; // n*OH + oh
  const n = q / oh;
  return <usize>((((n * hp + (q - n * oh) * sh) * wp + (m - q * ow) * sw) * ci)) << 2;
}

