/**
 * The part of the WebAssembly JS API the Node side uses (the wasm kernels: compile a module synchronously,
 * instantiate it on the tfjs wasm backend's memory). TypeScript declares WebAssembly only in the DOM lib,
 * which the Node-side tsconfig leaves out; Node provides these globals at run time.
 */
declare namespace WebAssembly {
  type ImportKind = 'function' | 'table' | 'memory' | 'global' | 'tag';
  interface ModuleImportDescriptor { module: string; name: string; kind: ImportKind }
  interface ModuleExportDescriptor { name: string; kind: ImportKind }
  class Module {
    constructor(bytes: ArrayBufferView | ArrayBuffer);
    static imports(module: Module): ModuleImportDescriptor[];
    static exports(module: Module): ModuleExportDescriptor[];
  }
  class Memory {
    constructor(descriptor: { initial: number; maximum?: number; shared?: boolean });
    readonly buffer: ArrayBuffer;
    grow(delta: number): number;
  }
  class Instance {
    constructor(module: Module, imports?: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, unknown>;
  }
  function validate(bytes: ArrayBufferView | ArrayBuffer): boolean;
}
