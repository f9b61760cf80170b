/**
 * Per-kernel profile of one training step (`npm run bench` prints it per model): tf.profile's
 * kernel list (every kernel the engine dispatches, forward and gradient, with its wall time on a
 * synchronous backend such as wasm), grouped by kernel name and input shapes, with the
 * convolutions' and matmuls' effective GFLOPS. Kernels that our kernels call internally are not
 * dispatched through the engine, so each millisecond is counted once.
 */
import { tf } from '../src-main/engine/tf.js';

export interface KernelRow {
  kernel: string;
  /** Input shapes, e.g. "[128,32,32,16] [3,3,16,16]". */
  shapes: string;
  calls: number;
  ms: number;
  /** Share of the profiled step's kernel time. */
  share: number;
  /** Effective GFLOPS for convolutions and matmuls (2 per multiply-add), else null. */
  gflops: number | null;
}

const size = (s: number[] | undefined): number => (s ?? []).reduce((a, b) => a * b, 1);

/** Multiply-add FLOPs of one call (2 per MAC), or null for kernels that are not products. */
export function kernelFlops(name: string, inputs: number[][], outputs: number[][]): number | null {
  const out = outputs[0] ?? [];
  switch (name) {
    case 'Conv2D':
    case 'FusedConv2D': {
      const [kh, kw, ci] = inputs[1] ?? [];
      return 2 * size(out) * kh * kw * ci; // [N,OH,OW,CO] x KH*KW*CI
    }
    case 'Conv2DBackpropInput': {
      const [kh, kw, ci] = inputs[1] ?? []; // inputs: dy [N,OH,OW,CO], filter [KH,KW,CI,CO]
      return 2 * size(inputs[0]) * kh * kw * ci;
    }
    case 'Conv2DBackpropFilter': {
      const dy = inputs[1] ?? []; // inputs: x, dy [N,OH,OW,CO]; output [KH,KW,CI,CO]
      return 2 * (size(dy) / (dy[dy.length - 1] ?? 1)) * size(out);
    }
    case 'BatchMatMul':
    case '_FusedMatMul': {
      const a = inputs[0] ?? [], b = inputs[1] ?? [];
      const k = a[a.length - 1] === b[b.length - 2] || a[a.length - 1] === b[b.length - 1] ? a[a.length - 1] : a[a.length - 2];
      return 2 * size(out) * k;
    }
    default:
      return null;
  }
}

/** Profiles `run` (one step) and returns its kernels grouped, slowest first, and the total kernel time. */
export async function profileKernels(run: () => Promise<unknown>): Promise<{ rows: KernelRow[]; totalMs: number }> {
  const info = await tf.profile(async () => { await run(); });
  const groups = new Map<string, { kernel: string; shapes: string; calls: number; ms: number; flops: number | null }>();
  let totalMs = 0;
  for (const k of info.kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    totalMs += ms;
    const shapes = k.inputShapes.map((s) => `[${(s ?? []).join(',')}]`).join(' ');
    const key = `${k.name} ${shapes}`;
    const g = groups.get(key) ?? { kernel: k.name, shapes, calls: 0, ms: 0, flops: null };
    const f = kernelFlops(k.name, k.inputShapes as number[][], k.outputShapes as number[][]);
    g.calls++;
    g.ms += ms;
    if (f !== null) g.flops = (g.flops ?? 0) + f;
    groups.set(key, g);
  }
  const rows = [...groups.values()].sort((a, b) => b.ms - a.ms).map((g) => ({
    kernel: g.kernel, shapes: g.shapes, calls: g.calls, ms: g.ms, share: totalMs > 0 ? g.ms / totalMs : 0,
    gflops: g.flops !== null && g.ms > 0 ? g.flops / g.ms / 1e6 : null,
  }));
  return { rows, totalMs };
}

/** Per kernel name: total ms and share (the coarse view beside the per-shape rows). */
export function byKernel(rows: KernelRow[]): Array<{ kernel: string; ms: number; share: number }> {
  const m = new Map<string, number>();
  for (const r of rows) m.set(r.kernel, (m.get(r.kernel) ?? 0) + r.ms);
  const total = [...m.values()].reduce((a, b) => a + b, 0);
  return [...m.entries()].sort((a, b) => b[1] - a[1]).map(([kernel, ms]) => ({ kernel, ms, share: total > 0 ? ms / total : 0 }));
}

export function formatKernelTable(rows: KernelRow[], top = 20): string[] {
  const lines = ['  kernel                      input shapes                               calls      ms  share  GFLOPS'];
  for (const r of rows.slice(0, top)) {
    lines.push(`  ${r.kernel.padEnd(27)} ${r.shapes.slice(0, 42).padEnd(42)} ${String(r.calls).padStart(5)} ${r.ms.toFixed(0).padStart(7)} ${(100 * r.share).toFixed(1).padStart(5)}% ${r.gflops === null ? '     -' : r.gflops.toFixed(1).padStart(6)}`);
  }
  return lines;
}
