import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineChildArgs } from '../../src-main/engine/backend/worker-spawn.js';
import { tf } from '../../src-main/engine/tf.js';
import { convGeometry } from '../../src-main/engine/backend/kernels/conv-gemm.js';
import { useGemm } from '../../src-main/engine/backend/kernels/conv2d.js';
import { fmaEnabled } from '../../src-main/engine/backend/kernels/simd.js';
import { expectClose, onCpuAndWasm, randomArray, useWasm } from './compare.js';
import { GEMM_FIXTURE_CASES, gemmFixtureOutputs } from './fixtures/gemm-conv-cases.js';

beforeAll(useWasm);
afterAll(() => {
  delete process.env.ASCL_WASM_CONV;
});

type Case = { n: number; h: number; w: number; ci: number; co: number; k: number; s: number; d?: number; pad: 'same' | 'valid' | number };
/** Our implicit GEMM on every pass (ASCL_WASM_CONV=gemm): partial 8-channel panels, pixel counts not multiples of 4, CI = 1..64. */
const CASES: Case[] = [
  { n: 2, h: 9, w: 9, ci: 3, co: 5, k: 3, s: 1, pad: 'same' }, // CO < 8: one partial panel
  { n: 3, h: 7, w: 5, ci: 1, co: 13, k: 3, s: 1, pad: 'valid' }, // 5 x 3 x 3 = 45 pixels: a remainder of 1
  { n: 2, h: 8, w: 8, ci: 16, co: 32, k: 3, s: 2, pad: 1 }, // stride 2, the sub-pixel input gradient
  { n: 2, h: 7, w: 9, ci: 3, co: 32, k: 3, s: 1, pad: 'same' }, // K = 27: a partial tile of dW rows
  { n: 3, h: 11, w: 6, ci: 2, co: 16, k: 5, s: 1, pad: 'valid' },
  { n: 2, h: 8, w: 8, ci: 16, co: 16, k: 1, s: 2, pad: 'valid' },
  { n: 2, h: 9, w: 9, ci: 4, co: 8, k: 3, s: 3, pad: 1 },
  { n: 2, h: 10, w: 10, ci: 8, co: 24, k: 3, s: 1, d: 2, pad: 'same' }, // dilation 2 (forward only: tfjs has no dilated gradients)
  { n: 1, h: 6, w: 6, ci: 64, co: 64, k: 3, s: 1, pad: 'same' },
];

describe('implicit-GEMM convolution (ASCL_WASM_CONV=gemm) on wasm matches cpu: forward, input and filter gradients', () => {
  for (const c of CASES) {
    it(`x [${c.n},${c.h},${c.w},${c.ci}] filter ${c.k}x${c.k}x${c.ci}x${c.co} stride ${c.s} dilation ${c.d ?? 1} pad ${c.pad}`, async () => {
      process.env.ASCL_WASM_CONV = 'gemm';
      const xv = randomArray(c.n * c.h * c.w * c.ci, 31);
      const wv = randomArray(c.k * c.k * c.ci * c.co, 32);
      const r = await onCpuAndWasm(() => {
        const x = tf.tensor4d(xv, [c.n, c.h, c.w, c.ci]);
        const w = tf.tensor4d(wv, [c.k, c.k, c.ci, c.co]);
        const y = tf.conv2d(x, w, c.s, c.pad, 'NHWC', c.d ?? 1);
        if (c.d) return [y];
        const dy = tf.tensor(randomArray(y.size, 33), y.shape);
        const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.s, c.pad), dy)))([x, w]);
        return [y, gx, gw];
      });
      expectClose(r.wasm, r.cpu, 1e-5, JSON.stringify(c));
    });
  }

  it('ASCL_WASM_CONV=fast is refused, naming the allowed engines', async () => {
    process.env.ASCL_WASM_CONV = 'fast';
    const x = tf.ones([1, 4, 4, 8]) as tf.Tensor4D;
    expect(() => tf.conv2d(x, tf.ones([3, 3, 8, 8]) as tf.Tensor4D, 1, 'same')).toThrow(/ASCL_WASM_CONV: 'fast' is not one of auto, gemm, xnnpack/);
    process.env.ASCL_WASM_CONV = 'auto';
    tf.dispose(x);
  });

  it('engine rule: auto puts forward-shaped CI % 4 = 0, CO >= 8 on ours iff FMA, CI 3 / 6 and CO 3 on XNNPACK, dW always on ours; gemm and xnnpack force', () => {
    process.env.ASCL_WASM_CONV = 'auto';
    expect(fmaEnabled()).toBe(true); // Node 20 with the relaxed-SIMD flag set at start (simd.ts)
    expect([useGemm('forward', { ci: 16, co: 16 }), useGemm('forward', { ci: 64, co: 8 }), useGemm('forward', { ci: 32, co: 64 })]).toEqual([true, true, true]);
    expect([useGemm('forward', { ci: 3, co: 16 }), useGemm('forward', { ci: 6, co: 16 }), useGemm('forward', { ci: 16, co: 3 }), useGemm('forward', { ci: 16, co: 4 })]).toEqual([false, false, false, false]);
    expect(useGemm('filter gradient', { ci: 16, co: 16 })).toBe(true);
    process.env.ASCL_WASM_CONV = 'gemm';
    expect([useGemm('forward', { ci: 3, co: 3 }), useGemm('filter gradient', { ci: 16, co: 16 })]).toEqual([true, true]);
    process.env.ASCL_WASM_CONV = 'xnnpack';
    expect([useGemm('forward', { ci: 16, co: 16 }), useGemm('filter gradient', { ci: 16, co: 16 })]).toEqual([false, false]);
    process.env.ASCL_WASM_CONV = 'auto';
  });

  it('convGeometry refuses a filter whose input channels differ from x, and negative pads', () => {
    expect(() => convGeometry([1, 4, 4, 3], [3, 3, 2, 8], [1, 1, 1, 1], [1, 1], [1, 1])).toThrow(/filter \[3,3,2,8\] has 2 input channels, x \[1,4,4,3\] has 3/);
    expect(() => convGeometry([1, 4, 4, 3], [3, 3, 3, 8], [-1, 1, 1, 1], [1, 1], [1, 1])).toThrow(/pads \[-1,1,1,1\] must be integers >= 0/);
  });
});

/** The fixture's outputs in a child process (FMA is decided once per process, at the first kernel). */
async function fixtureValues(env: Record<string, string>): Promise<{ values: Float32Array[]; autoForward16: boolean }> {
  const { stdout } = await promisify(execFile)(process.execPath, [...engineChildArgs(new URL('./fixtures/gemm-conv.ts', import.meta.url))], {
    timeout: 120_000, env: { ...process.env, ...env },
  });
  const { backend, bytes, autoForward16 } = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as { backend: string; bytes: string[]; autoForward16: boolean };
  expect(backend).toBe('wasm');
  const values = bytes.map((b) => {
    const buf = Buffer.from(b, 'base64'); // small buffers are views into Node's shared pool
    return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  });
  return { values, autoForward16 };
}

describe('the plain-SIMD build of the GEMM kernels (ASCL_WASM_FMA=0, in a child process) matches cpu too', () => {
  it(`${GEMM_FIXTURE_CASES.map((c) => `x [${c.n},${c.h},${c.w},${c.ci}] ${c.k}x${c.k}x${c.ci}x${c.co} stride ${c.s}`).join('; ')}: y, dx, dW within 1e-5; auto keeps XNNPACK for the forward pass there`, async () => {
    const { values: plain, autoForward16 } = await fixtureValues({ ASCL_WASM_FMA: '0' });
    expect(autoForward16).toBe(false); // without FMA ours and XNNPACK tie (docs/kernels.md)
    await tf.setBackend('cpu');
    const outs = GEMM_FIXTURE_CASES.flatMap((c) => gemmFixtureOutputs(c));
    const cpu = outs.map((t) => t.dataSync() as Float32Array);
    tf.dispose(outs);
    await tf.setBackend('wasm');
    expectClose(plain, cpu, 1e-5, 'plain-SIMD gemm vs cpu');
  });
});
