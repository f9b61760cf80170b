/**
 * Test helpers for the webgpu backend: start it on whatever adapter Dawn gives, the software one
 * included (Mesa llvmpipe through OpenGL ES in CI), and run a computation on cpu and on webgpu.
 * The tests set what the software path needs themselves: EGL_PLATFORM=surfaceless (headless EGL)
 * and ASCL_WEBGPU_ALLOW_SOFTWARE=1. Where no adapter can be created at all, `webgpuUnavailable`
 * says why and the tests skip with that reason, unless ASCL_REQUIRE_WEBGPU=1 (then they fail).
 */
import '@tensorflow/tfjs-backend-cpu';
import { tf } from '../../src-main/engine/tf.js';
import { backendReport, initBackend } from '../../src-main/engine/backend/index.js';
import { defaultHeadlessEgl } from '../../src-main/engine/backend/webgpu/adapters.js';
import type { WebgpuAdapterRecord } from '../../src-main/engine/backend/webgpu/start.js';

export interface WebgpuForTests {
  adapter: WebgpuAdapterRecord | null;
  /** Why webgpu could not start here (null when it did). */
  unavailable: string | null;
}

/** Starts webgpu (software allowed); answers the adapter or why none. The active backend is webgpu afterwards when it started. */
export async function webgpuForTests(): Promise<WebgpuForTests> {
  defaultHeadlessEgl();
  process.env.ASCL_WEBGPU_ALLOW_SOFTWARE = '1';
  try {
    await initBackend('webgpu');
    return { adapter: backendReport().adapter, unavailable: null };
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    if (process.env.ASCL_REQUIRE_WEBGPU === '1') throw new Error(`webgpuForTests: ASCL_REQUIRE_WEBGPU=1 but webgpu does not start: ${reason}`);
    return { adapter: null, unavailable: reason };
  }
}

/** Runs `f` on cpu then on webgpu, reading every output with `await data()`; tensors disposed. */
export async function onCpuAndWebgpu(f: () => tf.Tensor[] | Promise<tf.Tensor[]>): Promise<{ cpu: Float32Array[]; webgpu: Float32Array[] }> {
  const run = async (name: string): Promise<Float32Array[]> => {
    await tf.setBackend(name);
    const outs = await f();
    const values = await Promise.all(outs.map(async (t) => Float32Array.from(await t.data())));
    tf.dispose(outs);
    return values;
  };
  const cpu = await run('cpu');
  const webgpu = await run('webgpu');
  return { cpu, webgpu };
}
