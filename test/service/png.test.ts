/**
 * The PNG data URLs of the examples view (service/png.ts): encode then decode (CRC-checked) gives
 * the 8-bit quantisation round(255 v) back exactly, for grey and RGB images of odd sizes; the
 * perturbation view is 0.5 + delta / (2 eps), clipped.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { amplifiedPerturbation, decodePng, encodePng, pngDataUrl, toBytes } from '../../src-main/service/png.js';

describe('PNG encoding of example images', () => {
  it('round trip (fast-check, 100 images up to 33x33, 1 or 3 channels): decoded bytes equal round(255 v) of the [0, 1] floats', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 33 }), fc.integer({ min: 1, max: 33 }), fc.constantFrom(1, 3), fc.integer(), (h, w, c, seed) => {
      let s = seed >>> 0;
      const values = Float32Array.from({ length: h * w * c }, () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32; });
      const png = encodePng(toBytes(values), h, w, c);
      const d = decodePng(png);
      expect([d.height, d.width, d.channels]).toEqual([h, w, c]);
      d.bytes.forEach((b, i) => { if (b !== Math.round(values[i] * 255)) throw new Error(`byte ${i}: ${b} != round(255 * ${values[i]})`); });
    }), { seed: 5, numRuns: 100 });
  });

  it('a 2x2 RGB image as a data URL: the base64 payload decodes to the same pixels; a flipped byte fails the CRC', () => {
    const v = [0, 0.5, 1, 1, 0, 0, 0.2, 0.4, 0.6, 1, 1, 1];
    const url = pngDataUrl(v, 2, 2, 3);
    expect(url.startsWith('data:image/png;base64,')).toBe(true);
    const png = Buffer.from(url.slice('data:image/png;base64,'.length), 'base64');
    expect(Array.from(decodePng(png).bytes)).toEqual([0, 128, 255, 255, 0, 0, 51, 102, 153, 255, 255, 255]);
    png[png.length - 20] ^= 0xff;
    expect(() => decodePng(png)).toThrow(/bad CRC/);
  });

  it('perturbation at eps 0.1: delta -0.1, -0.05, 0, 0.05, 0.1, 0.3 maps to 0, 0.25, 0.5, 0.75, 1, 1 (clipped); eps 0 gives grey', () => {
    const clean = [0.5, 0.5, 0.5, 0.5, 0.5, 0.2];
    const adv = [0.4, 0.45, 0.5, 0.55, 0.6, 0.5];
    Array.from(amplifiedPerturbation(clean, adv, 0.1)).forEach((x, i) => expect(x).toBeCloseTo([0, 0.25, 0.5, 0.75, 1, 1][i], 6));
    expect(Array.from(amplifiedPerturbation([0.1], [0.1], 0))).toEqual([0.5]);
  });
});
