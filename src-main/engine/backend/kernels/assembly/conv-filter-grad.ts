// The filter gradient of a convolution as an implicit GEMM (layout and offset table as ./conv-gemm.ts):
//   dW[k, co] = sum over output pixels m of x[base(m) + off[k]] * dy[m, co]
// The reduction runs over all N*OH*OW pixels, so it is blocked: a chunk of output rows (>= 64 pixels,
// a few KB of x and dy, in L1) is swept by every 4 x 8 tile of dW before the next chunk, instead of
// streaming all of dy once per tile (what made the forward-convolution formulation memory bound).
import { madd, pixelBase } from './fma';

/** Output pixels per chunk of the reduction (rounded up to whole output rows). */
const CHUNK: i32 = 64;

/**
 * Accumulates into acc [K4, CO] (f32, zeroed by the caller; K4 = K rounded up to 4, offsets past K
 * are 0 so their rows read valid memory and are dropped by the caller) the tiles of rows
 * [4*t0, 4*t1). CO must be a multiple of 8 (the caller checks).
 */
export function convFilterGrad(
  xPtr: usize, offPtr: usize, dyPtr: usize, accPtr: usize,
  n: i32, oh: i32, ow: i32, co: i32, hp: i32, wp: i32, ci: i32, sh: i32, sw: i32, t0: i32, t1: i32, slot: i32,
): void {
  slot; // one signature for every pooled kernel (./kernel-pool.ts passes the thread's slot); no scratch here
  const rows = n * oh;
  const chunkRows = max(1, (CHUNK + ow - 1) / ow);
  const panels = co >> 3;
  const step = <usize>(sw * ci) << 2; // bytes from one output column's patch to the next
  const dyRow = <usize>co << 2;
  for (let q0 = 0; q0 < rows; q0 += chunkRows) {
    const q1 = min(q0 + chunkRows, rows);
    for (let t = t0; t < t1; t++) {
      const o = offPtr + (<usize>t << 4);
      const e0 = <usize>load<i32>(o) << 2;
      const e1 = <usize>load<i32>(o, 4) << 2;
      const e2 = <usize>load<i32>(o, 8) << 2;
      const e3 = <usize>load<i32>(o, 12) << 2;
      for (let p = 0; p < panels; p++) {
        const acc = accPtr + (<usize>(4 * t * co + p * 8) << 2);
        let a0 = v128.load(acc), a1 = v128.load(acc, 16);
        let a2 = v128.load(acc + dyRow), a3 = v128.load(acc + dyRow, 16);
        let a4 = v128.load(acc + 2 * dyRow), a5 = v128.load(acc + 2 * dyRow, 16);
        let a6 = v128.load(acc + 3 * dyRow), a7 = v128.load(acc + 3 * dyRow, 16);
        for (let q = q0; q < q1; q++) {
          let xb = xPtr + pixelBase(q * ow, oh, ow, hp, wp, ci, sh, sw);
          let d = dyPtr + (<usize>(q * ow * co + p * 8) << 2);
          for (let c = 0; c < ow; c++) {
            const d0 = v128.load(d);
            const d1 = v128.load(d, 16);
            d += dyRow;
            let v = v128.load32_splat(xb + e0);
            a0 = madd(v, d0, a0); a1 = madd(v, d1, a1);
            v = v128.load32_splat(xb + e1);
            a2 = madd(v, d0, a2); a3 = madd(v, d1, a3);
            v = v128.load32_splat(xb + e2);
            a4 = madd(v, d0, a4); a5 = madd(v, d1, a5);
            v = v128.load32_splat(xb + e3);
            a6 = madd(v, d0, a6); a7 = madd(v, d1, a7);
            xb += step;
          }
        }
        v128.store(acc, a0); v128.store(acc, a1, 16);
        v128.store(acc + dyRow, a2); v128.store(acc + dyRow, a3, 16);
        v128.store(acc + 2 * dyRow, a4); v128.store(acc + 2 * dyRow, a5, 16);
        v128.store(acc + 3 * dyRow, a6); v128.store(acc + 3 * dyRow, a7, 16);
      }
    }
  }
}
