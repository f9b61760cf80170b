/**
 * The webgpu backend's adapter choice: Dawn's adapter list parsed, software adapters recognised and
 * never taken without ASCL_WEBGPU_ALLOW_SOFTWARE=1, `--gpu N` checked against the list, and the adapter
 * a started backend records. The last tests start Dawn on this machine (the software adapter in CI).
 */
import { describe, expect, it } from 'vitest';
import { tf } from '../../src-main/engine/tf.js';
import {
  dawnBackendsFor, defaultHeadlessEgl, discoverAdapters, isSoftwareAdapter, loadDawn, parseAdapterList,
} from '../../src-main/engine/backend/webgpu/adapters.js';
import { softwareAllowed, startWebgpu } from '../../src-main/engine/backend/webgpu/start.js';

describe('Dawn adapter list and software adapters', () => {
  it('parses "Available adapters" (two backends, names with parentheses and commas)', () => {
    const message = "Error: no adapter with backend 'vulkan' and name 'x' found\nAvailable adapters:\n" +
      " * backend: 'vulkan', name: 'NVIDIA GeForce RTX 4090'\n * backend: 'opengles', name: 'llvmpipe (LLVM 15.0.6, 256 bits)'";
    expect(parseAdapterList(message)).toEqual([
      { dawnBackend: 'vulkan', name: 'NVIDIA GeForce RTX 4090' },
      { dawnBackend: 'opengles', name: 'llvmpipe (LLVM 15.0.6, 256 bits)' },
    ]);
    expect(parseAdapterList("Error: unrecognised backend 'x'")).toEqual([]);
  });

  it.each([
    ['llvmpipe (LLVM 15.0.6, 256 bits)', true], ['SwiftShader Device (Subzero)', true], ['llvmpipe-llvm-15-0-6-256-bits-', true],
    ['Microsoft Basic Render Driver', true], ['lavapipe', true],
    ['NVIDIA GeForce RTX 4090', false], ['NVIDIA H100 80GB HBM3', false], ['AMD Radeon RX 7900 XTX (RADV NAVI31)', false],
    ['Apple M1 Max', false], ['Intel(R) UHD Graphics 630 (CFL GT2)', false],
  ] as const)('%s: software = %s', (name, software) => {
    expect(isSoftwareAdapter([name])).toBe(software);
  });

  it('Dawn\'s fallback flag or a CPU adapter type marks a software adapter whatever its name', () => {
    expect(isSoftwareAdapter(['Some GPU'], { isFallbackAdapter: true })).toBe(true);
    expect(isSoftwareAdapter(['Some GPU'], { adapterType: 'CPU' })).toBe(true);
    expect(isSoftwareAdapter(['Some GPU'], { isFallbackAdapter: false, adapterType: 'discrete GPU' })).toBe(false);
  });

  it('backends asked per platform: Vulkan then OpenGL ES on Linux, Metal on macOS, D3D12 then Vulkan on Windows', () => {
    expect(dawnBackendsFor('linux')).toEqual(['vulkan', 'opengles']);
    expect(dawnBackendsFor('darwin')).toEqual(['metal']);
    expect(dawnBackendsFor('win32')).toEqual(['d3d12', 'vulkan']);
  });

  it('EGL_PLATFORM defaults to surfaceless on headless Linux only, and never overrides a set value', () => {
    const headless: NodeJS.ProcessEnv = {};
    defaultHeadlessEgl(headless, 'linux');
    expect(headless.EGL_PLATFORM).toBe('surfaceless');
    const desktop: NodeJS.ProcessEnv = { DISPLAY: ':0' };
    defaultHeadlessEgl(desktop, 'linux');
    expect(desktop.EGL_PLATFORM).toBeUndefined();
    const set: NodeJS.ProcessEnv = { EGL_PLATFORM: 'x11' };
    defaultHeadlessEgl(set, 'linux');
    expect(set.EGL_PLATFORM).toBe('x11');
    const mac: NodeJS.ProcessEnv = {};
    defaultHeadlessEgl(mac, 'darwin');
    expect(mac.EGL_PLATFORM).toBeUndefined();
  });

  it('ASCL_WEBGPU_ALLOW_SOFTWARE: only "1" allows', () => {
    expect(softwareAllowed({ ASCL_WEBGPU_ALLOW_SOFTWARE: '1' })).toBe(true);
    expect(softwareAllowed({ ASCL_WEBGPU_ALLOW_SOFTWARE: 'true' })).toBe(false);
    expect(softwareAllowed({})).toBe(false);
  });
});

defaultHeadlessEgl();
let listed: Awaited<ReturnType<typeof discoverAdapters>> | null = null;
let why = '';
try {
  listed = await discoverAdapters(loadDawn());
} catch (e) {
  why = e instanceof Error ? e.message : String(e);
}
const hardware = listed?.adapters.filter((a) => !a.software) ?? [];
const software = listed?.adapters.filter((a) => a.software) ?? [];

describe.skipIf(software.length === 0 || hardware.length > 0)(`on this machine's adapters (${listed ? JSON.stringify(listed.adapters.map((a) => a.name)) : why}; needs a software adapter and no hardware one)`, () => {
  it('auto choice without ASCL_WEBGPU_ALLOW_SOFTWARE refuses the software adapter, naming it and the variable', async () => {
    await expect(startWebgpu({ allowSoftware: false, gpu: null })).rejects.toThrow(/no hardware GPU adapter \(Dawn lists 0: .*software.*ASCL_WEBGPU_ALLOW_SOFTWARE=1/);
  });

  it('--gpu naming the software adapter without the variable, or an index past the list, is refused', async () => {
    await expect(startWebgpu({ allowSoftware: false, gpu: software[0].index })).rejects.toThrow(/is the software adapter/);
    await expect(startWebgpu({ allowSoftware: true, gpu: 7 })).rejects.toThrow(/--gpu 7 names no adapter/);
  });

  it('with the software adapter allowed, --gpu 0 starts webgpu and records the adapter (Dawn backend, names, software)', async () => {
    const a = await startWebgpu({ allowSoftware: true, gpu: software[0].index });
    expect(tf.getBackend()).toBe('webgpu');
    expect(a).toMatchObject({ dawnBackend: software[0].dawnBackend, name: software[0].name, software: true, gpu: software[0].index });
    expect(`${a.device} ${a.description}`.trim().length).toBeGreaterThan(0);
    const sum = await tf.sum(tf.matMul(tf.ones([3, 4]), tf.ones([4, 5]))).data();
    expect(sum[0]).toBe(60);
    await expect(startWebgpu({ allowSoftware: true, gpu: 3 })).rejects.toThrow(/already started on adapter 0, asked for --gpu 3/);
  });
});
