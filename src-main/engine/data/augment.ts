/**
 * The paper's augmentation (Section 4.1: "random horizontal flips and random shifts with scale 10%
 * ... as used in [29]"): a random horizontal flip (p = 0.5) and a random translation of up to 10% of
 * the side in each direction, in one of two modes (AUGMENT_SHIFT_MODES):
 * - `keras-continuous-nearest` (default): [29]'s train_cifar.py, Keras ImageDataGenerator with
 *   width_shift_range = height_shift_range = 0.1, fill_mode 'nearest', horizontal_flip: each shift is
 *   drawn uniformly in [-0.1, 0.1] x side (continuous, up to 3.2 px on CIFAR) and applied as
 *   scipy.ndimage.affine_transform does with order 1: bilinear interpolation at the shifted
 *   coordinate, coordinates outside the image clamped to the nearest edge pixel; then the flip.
 * - `whole-pixel-zero`: whole-pixel shifts up to round(0.1 x side) = 3 px with zero fill, the
 *   pad-and-crop of PyTorch's RandomCrop.
 * Works on NHWC Float32Arrays (one pass, no tensors), drawing from the caller's seeded Rng.
 */
import type { Rng } from '../rng.js';
import type { AugmentShiftMode } from '../../shared/options.js';

export interface AugmentOptions {
  /** Random horizontal flips with probability 0.5. Default true. */
  flip?: boolean;
  /** Largest shift as a fraction of the height/width. Default 0.1. */
  shiftFraction?: number;
  /** Continuous shifts with nearest fill (Keras, default) or whole-pixel shifts with zero fill. */
  shiftMode?: AugmentShiftMode;
}

export interface AugmentShape { height: number; width: number; channels: number }

/**
 * The per-sample transform drawn from the Rng: shift by (dy, dx) pixels (real numbers in the Keras
 * mode, integers otherwise) and flip; `mode` says how the shift is interpolated and filled.
 */
export interface SampleTransform { flip: boolean; dy: number; dx: number; mode?: AugmentShiftMode }

export function maxShift(side: number, fraction: number): number {
  return Math.round(side * fraction);
}

export function drawTransform(rng: Rng, shape: AugmentShape, o: AugmentOptions = {}): SampleTransform {
  const f = o.shiftFraction ?? 0.1;
  if ((o.shiftMode ?? 'keras-continuous-nearest') === 'keras-continuous-nearest') {
    // Keras' order: the height shift, the width shift (uniform in [-f, f] x side), then the flip.
    const dy = f > 0 ? (2 * rng.next() - 1) * f * shape.height : 0;
    const dx = f > 0 ? (2 * rng.next() - 1) * f * shape.width : 0;
    const flip = (o.flip ?? true) ? rng.next() < 0.5 : false;
    return { flip, dy, dx, mode: 'keras-continuous-nearest' };
  }
  const flip = (o.flip ?? true) ? rng.next() < 0.5 : false;
  const my = maxShift(shape.height, f), mx = maxShift(shape.width, f);
  return { flip, dy: rng.int(2 * my + 1) - my, dx: rng.int(2 * mx + 1) - mx, mode: 'whole-pixel-zero' };
}

const clamp = (v: number, hi: number): number => (v < 0 ? 0 : v > hi ? hi : v);

/**
 * Keras mode: s(y, x) = bilinear value of the image at (y - dy, x - dx), indices clamped to the
 * image (fill_mode 'nearest'); out(y, x) = s(y, W-1-x) when flipped (Keras flips after the shift).
 */
function shiftNearestSample(src: Float32Array, dst: Float32Array, shape: AugmentShape, t: SampleTransform): void {
  const { height: h, width: w, channels: c } = shape;
  for (let y = 0; y < h; y++) {
    const sy = y - t.dy;
    const y0 = Math.floor(sy), fy = sy - y0;
    const r0 = clamp(y0, h - 1), r1 = clamp(y0 + 1, h - 1);
    for (let x = 0; x < w; x++) {
      const sx = (t.flip ? w - 1 - x : x) - t.dx;
      const x0 = Math.floor(sx), fx = sx - x0;
      const c0 = clamp(x0, w - 1), c1 = clamp(x0 + 1, w - 1);
      const o = (y * w + x) * c;
      const a = (r0 * w + c0) * c, b = (r0 * w + c1) * c, d = (r1 * w + c0) * c, e = (r1 * w + c1) * c;
      for (let k = 0; k < c; k++) {
        dst[o + k] = (1 - fy) * ((1 - fx) * src[a + k] + fx * src[b + k]) + fy * ((1 - fx) * src[d + k] + fx * src[e + k]);
      }
    }
  }
}

/**
 * Whole-pixel mode: out(y, x) = in(y - dy, x' - dx) with x' = W-1-x when flipped; zero where the
 * source falls outside the image. Keras mode: see shiftNearestSample. `src` and `dst` hold one sample each ([H, W, C]); they must not overlap.
 */
export function transformSample(src: Float32Array, dst: Float32Array, shape: AugmentShape, t: SampleTransform): void {
  if (t.mode === 'keras-continuous-nearest') { shiftNearestSample(src, dst, shape, t); return; }
  const { height: h, width: w, channels: c } = shape;
  for (let y = 0; y < h; y++) {
    const sy = y - t.dy;
    for (let x = 0; x < w; x++) {
      const o = (y * w + x) * c;
      const fx = t.flip ? w - 1 - x : x;
      const sx = fx - (t.flip ? -t.dx : t.dx); // the shift applies after the flip, in output coordinates
      if (sy < 0 || sy >= h || sx < 0 || sx >= w) {
        for (let k = 0; k < c; k++) dst[o + k] = 0;
      } else {
        const s = (sy * w + sx) * c;
        for (let k = 0; k < c; k++) dst[o + k] = src[s + k];
      }
    }
  }
}

/** Augments a batch [n, H, W, C] into a new array; one draw per sample, in order. */
export function augmentBatch(images: Float32Array, n: number, shape: AugmentShape, rng: Rng, o: AugmentOptions = {}): Float32Array {
  const size = shape.height * shape.width * shape.channels;
  if (images.length !== n * size) {
    throw new Error(`augmentBatch: ${images.length} values for ${n} samples of ${shape.height}x${shape.width}x${shape.channels}`);
  }
  const out = new Float32Array(images.length);
  for (let i = 0; i < n; i++) {
    const t = drawTransform(rng, shape, o);
    transformSample(images.subarray(i * size, (i + 1) * size), out.subarray(i * size, (i + 1) * size), shape, t);
  }
  return out;
}
