// Convolution as an implicit GEMM (NHWC), register-blocked 4 pixels x 8 output channels, with a fused
// multiply-add where the build has relaxed SIMD (f32x4.relaxed_madd: one vfmadd on x64) and a multiply
// then an add elsewhere. Same rules as ./kernels.ts: no state, every pointer a byte offset handed in.
//
// The input x is already padded: [N, Hp, Wp, CI]. An output pixel m = (n, oh, ow) starts at
//   base(m) = ((n*Hp + oh*sh)*Wp + ow*sw)*CI
// and its patch is x[base(m) + off[k]] for k = (kh, kw, ci) in HWIO order, with
//   off[k] = (kh*dh*Wp + kw*dw)*CI + ci            (element offsets, i32, computed by the caller)
// so one offset table covers any filter size, stride and dilation, and no im2col copy is made.
//
//   forward:          out[m, co] = sum_k x[base(m) + off[k]] * W[k, co]          (convGemm)
//   filter gradient:  dW[k, co]  = sum_m x[base(m) + off[k]] * dy[m, co]         (convFilterGrad)
//
// Each output element is reduced by one call in a fixed order (k, resp. m ascending), so splitting the
// calls' ranges across threads gives bitwise the same result as one thread.

import { madd, pixelBase } from './fma';

/**
 * W [K, CO] (HWIO flattened) -> panels [ceil(CO/8)][K][8], zero-filled past CO, so the micro-kernel
 * reads two vectors per k with no bounds logic.
 */
export function packPanels(wPtr: usize, k: i32, co: i32, outPtr: usize): void {
  const panels = (co + 7) >> 3;
  memory.fill(outPtr, 0, <usize>(panels * k * 8) << 2);
  for (let r = 0; r < k; r++) {
    for (let c = 0; c < co; c++) {
      const dst = outPtr + (<usize>(((c >> 3) * k + r) * 8 + (c & 7)) << 2);
      store<f32>(dst, load<f32>(wPtr + (<usize>(r * co + c) << 2)));
    }
  }
}

/** x [N, H, W, C] -> [N, H+pt+pb, W+pl+pr, C] with zeros around (rows copied with memory.copy). */
export function padNHWC(xPtr: usize, outPtr: usize, n: i32, h: i32, w: i32, c: i32, pt: i32, pb: i32, pl: i32, pr: i32): void {
  const hp = h + pt + pb;
  const wp = w + pl + pr;
  const rowIn = <usize>(w * c) << 2;
  const rowOut = <usize>(wp * c) << 2;
  memory.fill(outPtr, 0, <usize>(n * hp) * rowOut);
  for (let i = 0; i < n; i++) {
    for (let y = 0; y < h; y++) {
      const dst = outPtr + <usize>(i * hp + y + pt) * rowOut + (<usize>(pl * c) << 2);
      memory.copy(dst, xPtr + <usize>(i * h + y) * rowIn, rowIn);
    }
  }
}

/** Stores 8 channels of one output pixel; the last panel stores only the channels below CO. */
// @ts-ignore: decorator
@inline function store8(dst: usize, lo: v128, hi: v128, valid: i32): void {
  if (valid >= 8) {
    v128.store(dst, lo);
    v128.store(dst, hi, 16);
  } else {
    // lanes are not dynamically indexable
    if (valid > 0) store<f32>(dst, f32x4.extract_lane(lo, 0));
    if (valid > 1) store<f32>(dst, f32x4.extract_lane(lo, 1), 4);
    if (valid > 2) store<f32>(dst, f32x4.extract_lane(lo, 2), 8);
    if (valid > 3) store<f32>(dst, f32x4.extract_lane(lo, 3), 12);
    if (valid > 4) store<f32>(dst, f32x4.extract_lane(hi, 0), 16);
    if (valid > 5) store<f32>(dst, f32x4.extract_lane(hi, 1), 20);
    if (valid > 6) store<f32>(dst, f32x4.extract_lane(hi, 2), 24);
  }
}

/** Gathers the patches of 4 output pixels into pk [K][4] (so the micro-kernel needs 2 pointers, not 5). */
// @ts-ignore: decorator
@inline function pack4(x0: usize, x1: usize, x2: usize, x3: usize, offPtr: usize, k: i32, pk: usize): void {
  for (let i = 0; i < k; i++) {
    const e = <usize>load<i32>(offPtr + (<usize>i << 2)) << 2;
    const dst = pk + (<usize>i << 4);
    store<f32>(dst, load<f32>(x0 + e));
    store<f32>(dst, load<f32>(x1 + e), 4);
    store<f32>(dst, load<f32>(x2 + e), 8);
    store<f32>(dst, load<f32>(x3 + e), 12);
  }
}

/**
 * pack4 for CI a multiple of 4: per filter tap the 4 pixels' CI channels are contiguous, so 4 vector loads
 * and a 4 x 4 transpose (8 shuffles) fill 4 rows of pk, instead of 16 scalar loads and stores (about 2.7x
 * faster measured in isolation). off[t*CI] is tap t's offset.
 */
// @ts-ignore: decorator
@inline function pack4Vec(x0: usize, x1: usize, x2: usize, x3: usize, offPtr: usize, k: i32, ci: i32, pk: usize): void {
  const ciBytes = <usize>ci << 2;
  let dst = pk;
  for (let t = 0; t < k; t += ci) {
    const e = <usize>load<i32>(offPtr + (<usize>t << 2)) << 2;
    for (let c = e; c < e + ciBytes; c += 16) {
      const a = v128.load(x0 + c), b = v128.load(x1 + c), g = v128.load(x2 + c), d = v128.load(x3 + c);
      const ab0 = v128.shuffle<f32>(a, b, 0, 4, 1, 5), ab1 = v128.shuffle<f32>(a, b, 2, 6, 3, 7);
      const gd0 = v128.shuffle<f32>(g, d, 0, 4, 1, 5), gd1 = v128.shuffle<f32>(g, d, 2, 6, 3, 7);
      v128.store(dst, v128.shuffle<f32>(ab0, gd0, 0, 1, 4, 5));
      v128.store(dst, v128.shuffle<f32>(ab0, gd0, 2, 3, 6, 7), 16);
      v128.store(dst, v128.shuffle<f32>(ab1, gd1, 0, 1, 4, 5), 32);
      v128.store(dst, v128.shuffle<f32>(ab1, gd1, 2, 3, 6, 7), 48);
      dst += 64;
    }
  }
}

/**
 * out[m, co] for output pixels m in [m0, m1): the forward convolution (or any convolution-shaped
 * product: the input gradient runs it with the rotated filter). panels from packPanels; packPtr is
 * this call's own K*16 bytes of scratch (one per pool thread: `slot`).
 */
export function convGemm(
  xPtr: usize, offPtr: usize, k: i32, panelsPtr: usize, outPtr: usize, packPtr: usize,
  oh: i32, ow: i32, co: i32, hp: i32, wp: i32, ci: i32, sh: i32, sw: i32, m0: i32, m1: i32, slot: i32,
): void {
  const panels = (co + 7) >> 3;
  const pk = packPtr + <usize>(slot * k) * 16;
  const pkEnd = pk + (<usize>k << 4);
  const row = <usize>co << 2;
  let m = m0;
  const step = <usize>(sw * ci) << 2; // between neighbouring pixels of one output row
  const vec = (ci & 3) == 0;
  for (; m + 4 <= m1; m += 4) {
    // one pixelBase (2 divisions) per group where its 4 pixels share a row: 8 divisions per group measured
    // 1.6x slower in all (they also cost the tile loop that follows its registers)
    const x0 = xPtr + pixelBase(m, oh, ow, hp, wp, ci, sh, sw);
    const sameRow = m % ow + 3 < ow;
    const x1 = sameRow ? x0 + step : xPtr + pixelBase(m + 1, oh, ow, hp, wp, ci, sh, sw);
    const x2 = sameRow ? x0 + 2 * step : xPtr + pixelBase(m + 2, oh, ow, hp, wp, ci, sh, sw);
    const x3 = sameRow ? x0 + 3 * step : xPtr + pixelBase(m + 3, oh, ow, hp, wp, ci, sh, sw);
    if (vec) pack4Vec(x0, x1, x2, x3, offPtr, k, ci, pk);
    else pack4(x0, x1, x2, x3, offPtr, k, pk);
    for (let p = 0; p < panels; p++) {
      let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
      let a4 = f32x4.splat(0), a5 = f32x4.splat(0), a6 = f32x4.splat(0), a7 = f32x4.splat(0);
      let wq = panelsPtr + (<usize>(p * k * 8) << 2);
      for (let q = pk; q < pkEnd; q += 16) {
        const w0 = v128.load(wq);
        const w1 = v128.load(wq, 16);
        wq += 32;
        let v = v128.load32_splat(q);
        a0 = madd(v, w0, a0); a1 = madd(v, w1, a1);
        v = v128.load32_splat(q, 4);
        a2 = madd(v, w0, a2); a3 = madd(v, w1, a3);
        v = v128.load32_splat(q, 8);
        a4 = madd(v, w0, a4); a5 = madd(v, w1, a5);
        v = v128.load32_splat(q, 12);
        a6 = madd(v, w0, a6); a7 = madd(v, w1, a7);
      }
      const dst = outPtr + (<usize>(m * co + p * 8) << 2);
      const valid = co - p * 8;
      store8(dst, a0, a1, valid);
      store8(dst + row, a2, a3, valid);
      store8(dst + 2 * row, a4, a5, valid);
      store8(dst + 3 * row, a6, a7, valid);
    }
  }
  for (; m < m1; m++) {
    const x0 = xPtr + pixelBase(m, oh, ow, hp, wp, ci, sh, sw);
    for (let p = 0; p < panels; p++) {
      let a0 = f32x4.splat(0), a1 = f32x4.splat(0);
      let wq = panelsPtr + (<usize>(p * k * 8) << 2);
      for (let i = 0; i < k; i++) {
        const v = v128.load32_splat(x0 + (<usize>load<i32>(offPtr + (<usize>i << 2)) << 2));
        a0 = madd(v, v128.load(wq), a0);
        a1 = madd(v, v128.load(wq, 16), a1);
        wq += 32;
      }
      store8(outPtr + (<usize>(m * co + p * 8) << 2), a0, a1, co - p * 8);
    }
  }
}
