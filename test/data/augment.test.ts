import { describe, expect, it } from 'vitest';
import { Rng } from '../../src-main/engine/rng.js';
import { augmentBatch, drawTransform, transformSample } from '../../src-main/engine/data/augment.js';

const shape = { height: 8, width: 10, channels: 2 };
const size = 8 * 10 * 2;
const at = (img: Float32Array, y: number, x: number, c: number): number => img[(y * shape.width + x) * shape.channels + c];
const same = (a: Float32Array, b: Float32Array): boolean => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
const sample = (): Float32Array => Float32Array.from({ length: size }, (_, i) => 1 + i); // all > 0, distinct

describe('augmentation (flip + shift 10%)', () => {
  it('flip without shift is an exact horizontal mirror (8x10x2)', () => {
    const src = sample(), dst = new Float32Array(size);
    transformSample(src, dst, shape, { flip: true, dy: 0, dx: 0 });
    for (let y = 0; y < 8; y++) for (let x = 0; x < 10; x++) for (let c = 0; c < 2; c++) {
      expect(at(dst, y, x, c)).toBe(at(src, y, 9 - x, c));
    }
  });

  it('shift (dy 1, dx -2) moves content and zero-fills the uncovered border', () => {
    const src = sample(), dst = new Float32Array(size);
    transformSample(src, dst, shape, { flip: false, dy: 1, dx: -2 });
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
      const t = drawTransform(rng, shape);
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
    const a = augmentBatch(imgs, n, s32, new Rng(9));
    const b = augmentBatch(imgs, n, s32, new Rng(9));
    expect(same(a, b)).toBe(true);
    const rng = new Rng(9);
    for (let i = 0; i < n; i++) {
      const t = drawTransform(rng, s32);
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
