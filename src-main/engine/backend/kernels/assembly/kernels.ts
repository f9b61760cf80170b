// SIMD kernels compiled by AssemblyScript (../build.ts) into ../simd-kernels.wasm.
// They run directly on the tfjs wasm backend's own memory, imported as `env.memory`, so the
// module must not own any state in that memory: no data segments (no strings, hence
// `--use abort=`), no globals, no stack, no allocation. Every pointer is a byte offset into
// that memory handed in by the JS side, which allocated it through the backend.
// Layouts are channels-last (NHWC): a feature map is [M, C] with M = N*H*W.

// The per-channel sums below run over fixed chunks of rows, each into its own partial [C] (f64) of
// partials [chunks][C] (the caller adds them in chunk order): the chunks depend only on M, so splitting
// them across the kernel pool's threads (../kernel-pool.ts: [ch0, ch1), slot unused) gives bitwise the
// same sums as one thread.

/** The first row of chunk `ch` of `chunkRows` rows, clamped to M (chunk ch is [start(ch), start(ch + 1))). */
// @ts-ignore: decorator
@inline function chunkStart(ch: i32, chunkRows: i32, m: i32): i32 { return min(m, ch * chunkRows); }

/** Sums per channel of x: pass 1 of batch norm, and the bias gradient (float64). */
export function channelSums(xPtr: usize, m: i32, c: i32, partials: usize, chunkRows: i32, ch0: i32, ch1: i32, slot: i32): void {
  slot; // the pooled signature
  for (let ch = ch0; ch < ch1; ch++) {
    const sumPtr = partials + (<usize>(ch * c) << 3);
    channelSumsRows(xPtr, chunkStart(ch, chunkRows, m), chunkStart(ch + 1, chunkRows, m), c, sumPtr);
  }
}

// @ts-ignore: decorator
@inline function channelSumsRows(xPtr: usize, r0: i32, r1: i32, c: i32, sumPtr: usize): void {
  // sum[c] (f64) += x[r, c]
  memory.fill(sumPtr, 0, <usize>c << 3);
  const c4 = c & ~3;
  for (let r = r0; r < r1; r++) {
    const row = xPtr + (<usize>(r * c) << 2);
    let j = 0;
    for (; j < c4; j += 4) {
      const v = v128.load(row + (<usize>j << 2));
      const a = sumPtr + (<usize>j << 3);
      v128.store(a, f64x2.add(v128.load(a), f64x2.promote_low_f32x4(v)));
      v128.store(a, f64x2.add(v128.load(a, 16), f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1))), 16);
    }
    for (; j < c; j++) {
      const a = sumPtr + (<usize>j << 3);
      store<f64>(a, load<f64>(a) + <f64>load<f32>(row + (<usize>j << 2)));
    }
  }
}

/** sq[c] (f64) = sum_r (x[r, c] - mean[c])^2 per chunk, mean given as f32 [C]: the biased variance's numerator. */
export function centredSquares(xPtr: usize, m: i32, c: i32, meanPtr: usize, partials: usize, chunkRows: i32, ch0: i32, ch1: i32, slot: i32): void {
  slot;
  for (let ch = ch0; ch < ch1; ch++) {
    const sqPtr = partials + (<usize>(ch * c) << 3);
    centredSquaresRows(xPtr, chunkStart(ch, chunkRows, m), chunkStart(ch + 1, chunkRows, m), c, meanPtr, sqPtr);
  }
}

// @ts-ignore: decorator
@inline function centredSquaresRows(xPtr: usize, r0: i32, r1: i32, c: i32, meanPtr: usize, sqPtr: usize): void {
  memory.fill(sqPtr, 0, <usize>c << 3);
  const c4 = c & ~3;
  for (let r = r0; r < r1; r++) {
    const row = xPtr + (<usize>(r * c) << 2);
    let j = 0;
    for (; j < c4; j += 4) {
      const d = f32x4.sub(v128.load(row + (<usize>j << 2)), v128.load(meanPtr + (<usize>j << 2)));
      const d2 = f32x4.mul(d, d);
      const a = sqPtr + (<usize>j << 3);
      v128.store(a, f64x2.add(v128.load(a), f64x2.promote_low_f32x4(d2)));
      v128.store(a, f64x2.add(v128.load(a, 16), f64x2.promote_low_f32x4(i32x4.shuffle(d2, d2, 2, 3, 0, 1))), 16);
    }
    for (; j < c; j++) {
      const d = <f64>load<f32>(row + (<usize>j << 2)) - <f64>load<f32>(meanPtr + (<usize>j << 2));
      const a = sqPtr + (<usize>j << 3);
      store<f64>(a, load<f64>(a) + d * d);
    }
  }
}

/**
 * Batch-norm backward pass 1: sumDy[c] = sum_r dy, sumDyXc[c] = sum_r dy * (x - mean), in f64, per chunk:
 * partials [chunks][2C], each [sumDy | sumDyXc].
 */
export function gradSums(xPtr: usize, dyPtr: usize, m: i32, c: i32, meanPtr: usize, partials: usize, chunkRows: i32, ch0: i32, ch1: i32, slot: i32): void {
  slot;
  for (let ch = ch0; ch < ch1; ch++) {
    const sumsPtr = partials + (<usize>(ch * c) << 4);
    gradSumsRows(xPtr, dyPtr, chunkStart(ch, chunkRows, m), chunkStart(ch + 1, chunkRows, m), c, meanPtr, sumsPtr);
  }
}

// @ts-ignore: decorator
@inline function gradSumsRows(xPtr: usize, dyPtr: usize, r0: i32, r1: i32, c: i32, meanPtr: usize, sumsPtr: usize): void {
  memory.fill(sumsPtr, 0, <usize>c << 4);
  const sum2 = sumsPtr + (<usize>c << 3);
  const c4 = c & ~3;
  for (let r = r0; r < r1; r++) {
    const off = <usize>(r * c) << 2;
    let j = 0;
    for (; j < c4; j += 4) {
      const o = off + (<usize>j << 2);
      const g = v128.load(dyPtr + o);
      const p = f32x4.mul(g, f32x4.sub(v128.load(xPtr + o), v128.load(meanPtr + (<usize>j << 2))));
      const a = sumsPtr + (<usize>j << 3);
      v128.store(a, f64x2.add(v128.load(a), f64x2.promote_low_f32x4(g)));
      v128.store(a, f64x2.add(v128.load(a, 16), f64x2.promote_low_f32x4(i32x4.shuffle(g, g, 2, 3, 0, 1))), 16);
      const b = sum2 + (<usize>j << 3);
      v128.store(b, f64x2.add(v128.load(b), f64x2.promote_low_f32x4(p)));
      v128.store(b, f64x2.add(v128.load(b, 16), f64x2.promote_low_f32x4(i32x4.shuffle(p, p, 2, 3, 0, 1))), 16);
    }
    for (; j < c; j++) {
      const o = off + (<usize>j << 2);
      const g = <f64>load<f32>(dyPtr + o);
      const a = sumsPtr + (<usize>j << 3);
      store<f64>(a, load<f64>(a) + g);
      const b = sum2 + (<usize>j << 3);
      store<f64>(b, load<f64>(b) + g * (<f64>load<f32>(xPtr + o) - <f64>load<f32>(meanPtr + (<usize>j << 2))));
    }
  }
}

/**
 * out[r, c] = a[c] * u[r, c] + b[c] * v[r, c] + k[c] (v may equal u with b = 0) for rows [r0, r1): the affine
 * maps of batch norm (M rows in all; pooled by rows, each element computed alike on any thread).
 */
export function channelAffine2(uPtr: usize, vPtr: usize, m: i32, c: i32, aPtr: usize, bPtr: usize, kPtr: usize, outPtr: usize, r0: i32, r1: i32, slot: i32): void {
  m; slot; // the pooled signature: M is the range's total
  const c4 = c & ~3;
  for (let r = r0; r < r1; r++) {
    const off = <usize>(r * c) << 2;
    let j = 0;
    for (; j < c4; j += 4) {
      const o = off + (<usize>j << 2);
      const p = <usize>j << 2;
      const t = f32x4.add(f32x4.mul(v128.load(aPtr + p), v128.load(uPtr + o)), f32x4.mul(v128.load(bPtr + p), v128.load(vPtr + o)));
      v128.store(outPtr + o, f32x4.add(t, v128.load(kPtr + p)));
    }
    for (; j < c; j++) {
      const o = off + (<usize>j << 2);
      const p = <usize>j << 2;
      store<f32>(outPtr + o, load<f32>(aPtr + p) * load<f32>(uPtr + o) + load<f32>(bPtr + p) * load<f32>(vPtr + o) + load<f32>(kPtr + p));
    }
  }
}

/**
 * MaxPool gradient, NHWC. For each window the FIRST maximum (row-major scan, strict >) gets
 * dy, as tfjs-backend-cpu's maxPoolPositions: ReLU makes exact-zero ties common.
 * Windows tiling the input without overlap (stride == filter) store masked vectors directly;
 * otherwise dy is scatter-added per lane.
 */
export function maxPoolGrad(
  xPtr: usize, dyPtr: usize, dxPtr: usize, n: i32, h: i32, w: i32, c: i32,
  oh: i32, ow: i32, kh: i32, kw: i32, sh: i32, sw: i32, padT: i32, padL: i32,
): void {
  const tiled = sh == kh && sw == kw;
  // Tiling windows that cover the whole input write every element of dx: no zero fill needed.
  const covers = tiled && padT == 0 && padL == 0 && oh * sh == h && ow * sw == w;
  if (!covers) memory.fill(dxPtr, 0, <usize>(n * h * w * c) << 2);
  const c4 = c & ~3;
  const negInf = f32x4.splat(-Infinity);
  for (let b = 0; b < n; b++) {
    const img = b * h * w;
    for (let y = 0; y < oh; y++) {
      const h0 = y * sh - padT;
      const hs = max(h0, 0), he = min(h0 + kh, h);
      for (let x = 0; x < ow; x++) {
        const w0 = x * sw - padL;
        const ws = max(w0, 0), we = min(w0 + kw, w);
        const dyRow = dyPtr + (<usize>(((b * oh + y) * ow + x) * c) << 2);
        let j = 0;
        for (; j < c4; j += 4) {
          let best = negInf;
          let arg = i32x4.splat(-1);
          for (let i = hs; i < he; i++) {
            for (let k = ws; k < we; k++) {
              const pos = img + i * w + k;
              const v = v128.load(xPtr + (<usize>(pos * c + j) << 2));
              const gt = f32x4.gt(v, best);
              best = v128.bitselect(v, best, gt);
              arg = v128.bitselect(i32x4.splat(pos), arg, gt);
            }
          }
          const g = v128.load(dyRow + (<usize>j << 2));
          if (tiled) {
            for (let i = hs; i < he; i++) {
              for (let k = ws; k < we; k++) {
                const pos = img + i * w + k;
                v128.store(dxPtr + (<usize>(pos * c + j) << 2), v128.and(g, i32x4.eq(arg, i32x4.splat(pos))));
              }
            }
          } else {
            scatterLane(dxPtr, i32x4.extract_lane(arg, 0), c, j, f32x4.extract_lane(g, 0));
            scatterLane(dxPtr, i32x4.extract_lane(arg, 1), c, j + 1, f32x4.extract_lane(g, 1));
            scatterLane(dxPtr, i32x4.extract_lane(arg, 2), c, j + 2, f32x4.extract_lane(g, 2));
            scatterLane(dxPtr, i32x4.extract_lane(arg, 3), c, j + 3, f32x4.extract_lane(g, 3));
          }
        }
        for (; j < c; j++) {
          let best: f32 = -Infinity;
          let arg = -1;
          for (let i = hs; i < he; i++) {
            for (let k = ws; k < we; k++) {
              const pos = img + i * w + k;
              const v = load<f32>(xPtr + (<usize>(pos * c + j) << 2));
              if (v > best) { best = v; arg = pos; }
            }
          }
          const g = load<f32>(dyRow + (<usize>j << 2));
          if (tiled) {
            for (let i = hs; i < he; i++) {
              for (let k = ws; k < we; k++) {
                const pos = img + i * w + k;
                store<f32>(dxPtr + (<usize>(pos * c + j) << 2), pos == arg ? g : 0);
              }
            }
          } else {
            scatterLane(dxPtr, arg, c, j, g);
          }
        }
      }
    }
  }
}

// @ts-ignore: decorator
@inline function scatterLane(dxPtr: usize, pos: i32, c: i32, j: i32, g: f32): void {
  // pos < 0: an all -Infinity (or NaN) window, which passes no gradient.
  if (pos < 0) return;
  const a = dxPtr + (<usize>(pos * c + j) << 2);
  store<f32>(a, load<f32>(a) + g);
}

/** out = max(a, b) elementwise over n floats (same shapes; f32x4.max propagates NaN like Math.max). */
export function maximum(aPtr: usize, bPtr: usize, outPtr: usize, n: i32): void {
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const o = <usize>i << 2;
    v128.store(outPtr + o, f32x4.max(v128.load(aPtr + o), v128.load(bPtr + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(outPtr + o, Mathf.max(load<f32>(aPtr + o), load<f32>(bPtr + o)));
  }
}

/** out = min(a, b) elementwise over n floats. */
export function minimum(aPtr: usize, bPtr: usize, outPtr: usize, n: i32): void {
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const o = <usize>i << 2;
    v128.store(outPtr + o, f32x4.min(v128.load(aPtr + o), v128.load(bPtr + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(outPtr + o, Mathf.min(load<f32>(aPtr + o), load<f32>(bPtr + o)));
  }
}

/** ReLU's gradient: out = x > 0 ? dy : 0 (tfjs-core: dy * cast(step(x)), three kernels), elements [i0, i1) of n. */
export function reluGrad(dyPtr: usize, xPtr: usize, outPtr: usize, n: i32, i0: i32, i1: i32, slot: i32): void {
  n; slot; // the pooled signature: n is the range's total
  const n4 = i0 + ((i1 - i0) & ~3);
  const zero = f32x4.splat(0);
  let i = i0;
  for (; i < n4; i += 4) {
    const o = <usize>i << 2;
    v128.store(outPtr + o, v128.and(v128.load(dyPtr + o), f32x4.gt(v128.load(xPtr + o), zero)));
  }
  for (; i < i1; i++) {
    const o = <usize>i << 2;
    store<f32>(outPtr + o, load<f32>(xPtr + o) > 0 ? load<f32>(dyPtr + o) : 0);
  }
}

/**
 * col2im for a stride-1 transposed convolution with few output channels (the first layer's
 * input gradient, CI = 3): dx[b, y, x, ci] = sum_{ky, kx} cols[b, y + pt - ky, x + pl - kx, (ky*KW + kx)*CI + ci],
 * cols [N, OH, OW, KH*KW*CI] = dy @ W^T computed by XNNPACK. Gather form: each dx element written once.
 */
export function col2im(colsPtr: usize, dxPtr: usize, n: i32, h: i32, w: i32, ci: i32, oh: i32, ow: i32, kh: i32, kw: i32, pt: i32, pl: i32): void {
  const row = kh * kw * ci;
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const out = dxPtr + (<usize>(((b * h + y) * w + x) * ci) << 2);
        for (let c = 0; c < ci; c++) store<f32>(out + (<usize>c << 2), 0);
        for (let ky = 0; ky < kh; ky++) {
          const oy = y + pt - ky;
          if (oy < 0 || oy >= oh) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ox = x + pl - kx;
            if (ox < 0 || ox >= ow) continue;
            const src = colsPtr + (<usize>(((b * oh + oy) * ow + ox) * row + (ky * kw + kx) * ci) << 2);
            for (let c = 0; c < ci; c++) {
              const a = out + (<usize>c << 2);
              store<f32>(a, load<f32>(a) + load<f32>(src + (<usize>c << 2)));
            }
          }
        }
      }
    }
  }
}

// The implicit-GEMM convolution kernels (fused multiply-add in the relaxed-SIMD builds).
export { convGemm, packPanels, padNHWC } from './conv-gemm';
export { convFilterGrad } from './conv-filter-grad';
