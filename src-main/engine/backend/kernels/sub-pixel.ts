/**
 * Sub-pixel form of a strided transposed convolution (Shi et al. 2016, "Real-time single image
 * super-resolution using an efficient sub-pixel CNN"): the input gradient of a stride-s conv,
 *
 *   dx[s*i + a] = sum_j dy[i + c_a - j] * W[r_a + s*j],   r_a = (a + pt) mod s, c_a = floor((a + pt) / s),
 *
 * (one dimension shown; j over the taps r_a + s*j < K) is, for every output phase a in [0, s)^2,
 * a stride-1 correlation of dy with a sub-filter. All phases share one dy window
 * [i + lo, i + hi], so ONE stride-1 convolution with the phases stacked on output channels
 * ([T_h, T_w, CO, s*s*CI], zeros where a phase has no tap) followed by a depth-to-space
 * rearrangement gives dx,
 * with (T/K)^2 s^2 / s^2 of the work instead of the s^2 of convolving a zero-dilated dy.
 */
export interface PhaseTaps {
  /** Window start offset (relative to i) and length T shared by all phases. */
  lo: number;
  taps: number;
  /** For each phase a and window position t, the filter index feeding it, or -1. */
  index: number[][];
}

export function phaseTaps(k: number, s: number, padBefore: number): PhaseTaps {
  const offsets: Array<Array<[number, number]>> = []; // per phase: [offset, filter index]
  for (let a = 0; a < s; a++) {
    const r = (a + padBefore) % s;
    const c = Math.floor((a + padBefore) / s);
    const list: Array<[number, number]> = [];
    for (let j = 0; r + s * j < k; j++) list.push([c - j, r + s * j]);
    offsets.push(list);
  }
  const all = offsets.flat().map(([o]) => o);
  const lo = Math.min(...all);
  const taps = Math.max(...all) - lo + 1;
  const index = offsets.map((list) => {
    const row = new Array<number>(taps).fill(-1);
    for (const [o, kh] of list) row[o - lo] = kh;
    return row;
  });
  return { lo, taps, index };
}

/**
 * The stacked sub-filter [T_h, T_w, CO, s*s*CI] from W [KH, KW, CI, CO], with output channel
 * (a_h*s + a_w)*CI + ci as DepthToSpace (NHWC) expects.
 */
export function subPixelFilter(w: Float32Array, kh: number, kw: number, ci: number, co: number, s: number, th: PhaseTaps, tw: PhaseTaps): Float32Array {
  const oc = s * s * ci;
  const out = new Float32Array(th.taps * tw.taps * co * oc);
  for (let ah = 0; ah < s; ah++) {
    for (let aw = 0; aw < s; aw++) {
      const phase = (ah * s + aw) * ci;
      for (let u = 0; u < th.taps; u++) {
        const fh = th.index[ah][u];
        if (fh < 0) continue;
        for (let v = 0; v < tw.taps; v++) {
          const fw = tw.index[aw][v];
          if (fw < 0) continue;
          for (let c = 0; c < ci; c++) {
            const src = ((fh * kw + fw) * ci + c) * co;
            const dst = (u * tw.taps + v) * co * oc + phase + c;
            for (let o = 0; o < co; o++) out[dst + o * oc] = w[src + o];
          }
        }
      }
    }
  }
  return out;
}
