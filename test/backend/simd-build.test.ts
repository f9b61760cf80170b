import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { SIMD_GENERATED, compileAllSimdKernels, compileSimdKernels, generatedSource } from '../../src-main/engine/backend/kernels/build.js';
import { fmaEnabled } from '../../src-main/engine/backend/kernels/simd.js';

describe('SIMD kernels build (AssemblyScript)', () => {
  it('the committed simd-kernels.generated.ts is what ./assembly/kernels.ts compiles to, 4 variants: plain, shared, plain-fma, shared-fma (npm run build:kernels)', async () => {
    expect(await readFile(SIMD_GENERATED, 'utf8')).toBe(generatedSource(await compileAllSimdKernels()));
  });

  it('the -fma builds use f32x4.relaxed_madd (opcode 0xfd 0x105) and the plain ones do not; Node 20 compiles them once fmaEnabled() set the flag', async () => {
    // relaxed_madd for f32x4 is SIMD prefix 0xfd followed by LEB128 0x105 = 0x85 0x02.
    const hasMadd = (b: Uint8Array): boolean => b.some((x, i) => x === 0xfd && b[i + 1] === 0x85 && b[i + 2] === 0x02);
    const [plain, withFma] = [await compileSimdKernels('plain'), await compileSimdKernels('plain-fma')];
    expect(hasMadd(plain)).toBe(false);
    expect(hasMadd(withFma)).toBe(true);
    expect(fmaEnabled()).toBe(process.env.ASCL_WASM_FMA !== '0');
    expect(WebAssembly.validate(withFma)).toBe(fmaEnabled());
  });

  it('the shared variant instantiates on a shared memory of the threaded heap\'s maximum (65536 pages), the plain one refuses it', async () => {
    const heap = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
    const shared = new WebAssembly.Module(await compileSimdKernels(fmaEnabled() ? 'shared-fma' : 'shared'));
    expect(() => new WebAssembly.Instance(shared, { env: { memory: heap } })).not.toThrow();
    const plain = new WebAssembly.Module(await compileSimdKernels('plain'));
    expect(() => new WebAssembly.Instance(plain, { env: { memory: heap } })).toThrow(/memory/i);
  });

  it('the module owns no memory state: it imports env.memory and has no data segment or global', async () => {
    const module = new WebAssembly.Module(await compileSimdKernels());
    expect(WebAssembly.Module.imports(module)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
    expect(WebAssembly.Module.exports(module).filter((e) => e.kind !== 'function')).toEqual([]);
    // Section ids: 6 = global, 11 = data.
    const bytes = new Uint8Array(await compileSimdKernels());
    const sections: number[] = [];
    for (let i = 8; i < bytes.length; ) {
      const id = bytes[i++];
      let size = 0, shift = 0, b: number;
      do { b = bytes[i++]; size |= (b & 0x7f) << shift; shift += 7; } while (b & 0x80);
      sections.push(id);
      i += size;
    }
    expect(sections).not.toContain(6);
    expect(sections).not.toContain(11);
  });
});
