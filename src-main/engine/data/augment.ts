/**
 * The paper's augmentation (Section 4.1, after [29]'s Keras ImageDataGenerator with
 * width/height_shift_range 0.1 and horizontal_flip): a random horizontal flip (p = 0.5) and a
 * random translation of up to 10% of the side in each direction, here by whole pixels
 * (round(0.1 * 32) = 3 on CIFAR) with zero fill, the pad-and-crop of PyTorch's RandomCrop.
 * Works on NHWC Float32Arrays (one pass, no tensors), drawing from the caller's seeded Rng.
 */
import type { Rng } from '../rng.js';

export interface AugmentOptions {
  /** Random horizontal flips with probability 0.5. Default true. */
  flip?: boolean;
  /** Largest shift as a fraction of the height/width. Default 0.1. */
  shiftFraction?: number;
}

export interface AugmentShape { height: number; width: number; channels: number }

/** The per-sample transform drawn from the Rng: flip, then shift by (dy, dx) pixels. */
export interface SampleTransform { flip: boolean; dy: number; dx: number }

export function maxShift(side: number, fraction: number): number {
  return Math.round(side * fraction);
}

export function drawTransform(rng: Rng, shape: AugmentShape, o: AugmentOptions = {}): SampleTransform {
  const flip = (o.flip ?? true) ? rng.next() < 0.5 : false;
  const f = o.shiftFraction ?? 0.1;
  const my = maxShift(shape.height, f), mx = maxShift(shape.width, f);
  return { flip, dy: rng.int(2 * my + 1) - my, dx: rng.int(2 * mx + 1) - mx };
}

/**
 * out(y, x) = in(y - dy, x' - dx) with x' = W-1-x when flipped; zero where the source falls
 * outside the image. `src` and `dst` hold one sample each ([H, W, C]); they must not overlap.
 */
export function transformSample(src: Float32Array, dst: Float32Array, shape: AugmentShape, t: SampleTransform): void {
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
