/** Test helpers: run one computation on the cpu backend and on wasm, compare with tolerances. */
import '@tensorflow/tfjs-backend-cpu';
import { expect } from 'vitest';
import { tf } from '../../src-main/engine/tf.js';
import { initBackend } from '../../src-main/engine/backend/index.js';

/** Deterministic inputs (mulberry32) so both backends see identical numbers. */
export function randomArray(size: number, seed: number, scale = 1): Float32Array {
  let a = seed >>> 0;
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1) * scale;
  }
  return out;
}

export async function useWasm(): Promise<void> {
  expect(await initBackend('wasm')).toBe('wasm');
}

/** Runs `f` on cpu then on wasm; returns each output's values per backend (tensors disposed). */
export async function onCpuAndWasm(f: () => tf.Tensor[]): Promise<{ cpu: Float32Array[]; wasm: Float32Array[] }> {
  const run = async (name: string): Promise<Float32Array[]> => {
    await tf.setBackend(name);
    const outs = f();
    const values = outs.map((t) => t.dataSync() as Float32Array);
    tf.dispose(outs);
    return values;
  };
  const cpu = await run('cpu');
  const wasm = await run('wasm');
  return { cpu, wasm };
}

/** |a - b| <= rtol * max(|b|) elementwise, per output (outputs of widely varying scale compared on their own scale). */
export function expectClose(actual: Float32Array[], expected: Float32Array[], rtol = 1e-4, label = ''): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => {
    const b = expected[i];
    expect(a.length, `${label} output ${i} length`).toBe(b.length);
    let scale = 0;
    for (const v of b) scale = Math.max(scale, Math.abs(v));
    expect(scale, `${label} output ${i} is all zeros: the comparison would be empty`).toBeGreaterThan(0);
    let worst = 0;
    for (let j = 0; j < a.length; j++) worst = Math.max(worst, Math.abs(a[j] - b[j]));
    expect(worst / scale, `${label} output ${i}: max |diff| ${worst} vs scale ${scale}`).toBeLessThanOrEqual(rtol);
  });
}
