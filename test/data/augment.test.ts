import { describe, expect, it } from 'vitest';
import { Rng } from '../../src-main/engine/rng.js';
import { augmentBatch, drawTransform, transformSample } from '../../src-main/engine/data/augment.js';

const shape = { height: 8, width: 10, channels: 2 };
const size = 8 * 10 * 2;
const at = (img: Float32Array, y: number, x: number, c: number): number => img[(y * shape.width + x) * shape.channels + c];
const same = (a: Float32Array, b: Float32Array): boolean => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
const sample = (): Float32Array => Float32Array.from({ length: size }, (_, i) => 1 + i); // all > 0, distinct

describe('augmentation, whole-pixel-zero mode (flip + shift 10%)', () => {
  it('flip without shift is an exact horizontal mirror (8x10x2)', () => {
    const src = sample(), dst = new Float32Array(size);
    transformSample(src, dst, shape, { flip: true, dy: 0, dx: 0, mode: 'whole-pixel-zero' });
    for (let y = 0; y < 8; y++) for (let x = 0; x < 10; x++) for (let c = 0; c < 2; c++) {
      expect(at(dst, y, x, c)).toBe(at(src, y, 9 - x, c));
    }
  });

  it('shift (dy 1, dx -2) moves content and zero-fills the uncovered border', () => {
    const src = sample(), dst = new Float32Array(size);
    transformSample(src, dst, shape, { flip: false, dy: 1, dx: -2, mode: 'whole-pixel-zero' });
    expect(at(dst, 3, 4, 1)).toBe(at(src, 2, 6, 1));
    for (let x = 0; x < 10; x++) expect(at(dst, 0, x, 0)).toBe(0); // top row uncovered
    for (let y = 0; y < 8; y++) expect(at(dst, y, 9, 1)).toBe(0); // right columns uncovered
    for (let y = 0; y < 8; y++) expect(at(dst, y, 8, 1)).toBe(0);
  });

  it('drawn shifts stay within round(0.1 * side) = 1 pixel on 8x10, both flips and every shift occur (2000 draws)', () => {
    const rng = new Rng(3);
    let flips = 0;
    const dxs = new Set<number>(), dys = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const t = drawTransform(rng, shape, { shiftMode: 'whole-pixel-zero' });
      if (t.flip) flips++;
      dxs.add(t.dx); dys.add(t.dy);
    }
    expect([...dxs].sort()).toEqual([-1, 0, 1]);
    expect([...dys].sort()).toEqual([-1, 0, 1]);
    expect(flips / 2000).toBeGreaterThan(0.45);
    expect(flips / 2000).toBeLessThan(0.55);
  });

  it('32x32x3 batch of 64: seeded (same seed same output), every augmented image is a mirrored/shifted copy with |shift| <= 3', () => {
    const s32 = { height: 32, width: 32, channels: 3 };
    const n = 64, sz = 32 * 32 * 3;
    const imgs = Float32Array.from({ length: n * sz }, (_, i) => 1 + (i % 977));
    const a = augmentBatch(imgs, n, s32, new Rng(9), { shiftMode: 'whole-pixel-zero' });
    const b = augmentBatch(imgs, n, s32, new Rng(9), { shiftMode: 'whole-pixel-zero' });
    expect(same(a, b)).toBe(true);
    const rng = new Rng(9);
    for (let i = 0; i < n; i++) {
      const t = drawTransform(rng, s32, { shiftMode: 'whole-pixel-zero' });
      expect(Math.abs(t.dx)).toBeLessThanOrEqual(3);
      expect(Math.abs(t.dy)).toBeLessThanOrEqual(3);
      const ref = new Float32Array(sz);
      transformSample(imgs.subarray(i * sz, (i + 1) * sz), ref, s32, t);
      expect(same(a.subarray(i * sz, (i + 1) * sz), ref)).toBe(true);
      // the centre pixel is never zero-filled by a shift of at most 3
      expect(a[i * sz + (16 * 32 + 16) * 3]).toBeGreaterThan(0);
    }
  });
});

describe('augmentation, keras-continuous-nearest mode ([29]: ImageDataGenerator shifts 0.1, fill nearest, order 1)', () => {
  // A linear image img(r, c) = 10 r + c: bilinear interpolation reproduces it exactly inside, and
  // clamping the indices (fill 'nearest') clamps the coordinate, so the closed form is
  // out(y, x) = 10 clamp(y - dy, 0, H-1) + clamp(x' - dx, 0, W-1), x' = W-1-x when flipped.
  const s = { height: 5, width: 6, channels: 1 };
  const linear = Float32Array.from({ length: 30 }, (_, i) => 10 * Math.floor(i / 6) + (i % 6));
  const clampTo = (v: number, hi: number): number => Math.min(Math.max(v, 0), hi);

  it.each([[0.25, -1.5, false], [-2.7, 0.6, false], [1.3, 2.2, true], [0, 0, true]])(
    '5x6 linear image, shift dy %f dx %f flip %s: the closed form 10 clamp(y-dy) + clamp(x\'-dx) within 1e-5', (dy, dx, flip) => {
      const dst = new Float32Array(30);
      transformSample(linear, dst, s, { flip, dy, dx, mode: 'keras-continuous-nearest' });
      for (let y = 0; y < 5; y++) for (let x = 0; x < 6; x++) {
        const xs = flip ? 5 - x : x;
        expect(dst[y * 6 + x]).toBeCloseTo(10 * clampTo(y - dy, 4) + clampTo(xs - dx, 5), 5);
      }
    });

  it('a non-linear image, shift (0.5, -0.25): each pixel is the bilinear mix of its 4 clamped neighbours (hand value at (0, 5))', () => {
    const img = Float32Array.from({ length: 30 }, (_, i) => (i * 7) % 11); // 0, 7, 3, 10, 6, 2 | 8, 4, 0, 7, 3, 10 | ...
    const dst = new Float32Array(30);
    transformSample(img, dst, s, { flip: false, dy: 0.5, dx: -0.25, mode: 'keras-continuous-nearest' });
    // (0, 5): source (-0.5, 5.25) -> rows clamp(-1) = 0 and 0, columns 5 and clamp(6) = 5: img(0, 5) = 2
    expect(dst[5]).toBeCloseTo(2, 6);
    // (1, 2): source (0.5, 2.25): rows 0,1 x columns 2,3, weights 0.5/0.5 and 0.75/0.25
    const v = (r: number, c: number): number => img[r * 6 + c];
    expect(dst[8]).toBeCloseTo(0.5 * (0.75 * v(0, 2) + 0.25 * v(0, 3)) + 0.5 * (0.75 * v(1, 2) + 0.25 * v(1, 3)), 5);
  });

  it('an integer shift (dy 1, dx -2) equals the whole-pixel mode inside and repeats the edge pixels instead of zeros', () => {
    const src = sample(), keras = new Float32Array(size), whole = new Float32Array(size);
    transformSample(src, keras, shape, { flip: false, dy: 1, dx: -2, mode: 'keras-continuous-nearest' });
    transformSample(src, whole, shape, { flip: false, dy: 1, dx: -2, mode: 'whole-pixel-zero' });
    for (let y = 1; y < 8; y++) for (let x = 0; x < 8; x++) expect(at(keras, y, x, 1)).toBe(at(whole, y, x, 1));
    for (let x = 0; x < 8; x++) expect(at(keras, 0, x, 0)).toBe(at(src, 0, x + 2, 0)); // top row: row 0 repeated
    for (let y = 1; y < 8; y++) expect(at(keras, y, 9, 1)).toBe(at(src, y - 1, 9, 1)); // right: last column repeated
  });

  it('drawn shifts on 32x32 are continuous in [-3.2, 3.2], mean ~0 and variance ~3.2^2/3 (uniform), flips ~0.5 (4000 draws)', () => {
    const rng = new Rng(5);
    const s32 = { height: 32, width: 32, channels: 3 };
    let flips = 0, sum = 0, sq = 0, integers = 0;
    for (let i = 0; i < 4000; i++) {
      const t = drawTransform(rng, s32);
      expect(t.mode).toBe('keras-continuous-nearest');
      for (const d of [t.dy, t.dx]) {
        expect(Math.abs(d)).toBeLessThanOrEqual(3.2);
        sum += d; sq += d * d;
        if (Number.isInteger(d)) integers++;
      }
      if (t.flip) flips++;
    }
    expect(integers).toBe(0);
    expect(Math.abs(sum / 8000)).toBeLessThan(0.08);
    expect(sq / 8000).toBeGreaterThan(3.2 ** 2 / 3 * 0.93);
    expect(sq / 8000).toBeLessThan(3.2 ** 2 / 3 * 1.07);
    expect(flips / 4000).toBeGreaterThan(0.46);
    expect(flips / 4000).toBeLessThan(0.54);
  });
});
