/**
 * `npm run bench:conv [-- --threads N] [--reps N] [--json]`: each convolution of the bench's models (batch 128),
 * forward, input gradient and filter gradient, on XNNPACK and on our implicit GEMM (src-main/engine/backend/
 * kernels/conv-gemm.ts), in one process, alternating, best of --reps wall times. Prints ms, GFLOPS and the
 * ratio; this is the measurement behind ./conv2d.ts's choice. Not a test: timings are never asserted.
 */
import { z } from 'zod';
import { tf } from '../src-main/engine/tf.js';
import { backendReport, initBackend } from '../src-main/engine/backend/index.js';
import { fmaEnabled } from '../src-main/engine/backend/kernels/simd.js';

const Options = z.object({
  threads: z.number().int().min(1).max(8).default(1),
  reps: z.number().int().min(1).max(50).default(5),
  json: z.boolean().default(false),
}).strict();

/** x shape, filter size, output channels, stride, of ResNet20 and the small CNN at batch 128. */
const SHAPES: { model: string; x: [number, number, number, number]; k: number; co: number; s: number }[] = [
  { model: 'resnet20', x: [128, 32, 32, 3], k: 3, co: 16, s: 1 },
  { model: 'resnet20', x: [128, 32, 32, 16], k: 3, co: 16, s: 1 },
  { model: 'resnet20', x: [128, 32, 32, 16], k: 3, co: 32, s: 2 },
  { model: 'resnet20', x: [128, 16, 16, 32], k: 3, co: 32, s: 1 },
  { model: 'resnet20', x: [128, 16, 16, 32], k: 3, co: 64, s: 2 },
  { model: 'resnet20', x: [128, 8, 8, 64], k: 3, co: 64, s: 1 },
  { model: 'small-cnn', x: [128, 32, 32, 3], k: 3, co: 32, s: 1 },
  { model: 'small-cnn', x: [128, 16, 16, 32], k: 3, co: 64, s: 1 },
];
const ENGINES = ['xnnpack', 'gemm'] as const;
const PASSES = ['forward', 'input grad', 'filter grad'] as const;

function parse(argv: string[]): z.infer<typeof Options> {
  const raw: Record<string, unknown> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') raw.json = true;
    else if (a === '--threads') raw.threads = Number(argv[++i]);
    else if (a === '--reps') raw.reps = Number(argv[++i]);
    else throw new Error(`bench:conv: unknown argument '${a}' (known: --threads N --reps N --json)`);
  }
  return Options.parse(raw);
}

async function main(): Promise<void> {
  const o = parse(process.argv.slice(2));
  await initBackend('wasm', { threads: o.threads });
  const rows: Record<string, unknown>[] = [];
  for (const sh of SHAPES) {
    const [n, h, w, ci] = sh.x;
    const x = tf.randomNormal(sh.x) as tf.Tensor4D;
    const f = tf.randomNormal([sh.k, sh.k, ci, sh.co]) as tf.Tensor4D;
    const y = tf.conv2d(x, f, sh.s, 'same');
    const dy = tf.randomNormal(y.shape) as tf.Tensor4D;
    const run: Record<(typeof PASSES)[number], () => tf.Tensor> = {
      forward: () => tf.conv2d(x, f, sh.s, 'same'),
      'input grad': () => tf.conv2dTranspose(dy, f, sh.x, sh.s, 'same'),
      'filter grad': () => tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy } as unknown as tf.NamedTensorMap,
        { strides: sh.s, pad: 'same', dataFormat: 'NHWC', filterShape: f.shape } as unknown as tf.NamedAttrMap) as tf.Tensor,
    };
    const flops = 2 * y.size * sh.k * sh.k * ci;
    for (const pass of PASSES) {
      const best: Record<string, number> = { xnnpack: Infinity, gemm: Infinity };
      for (let r = 0; r <= o.reps; r++) {
        for (const engine of ENGINES) {
          process.env.ASCL_WASM_CONV = engine;
          const t0 = performance.now();
          const out = run[pass]();
          await out.data();
          const ms = performance.now() - t0;
          out.dispose();
          if (r > 0) best[engine] = Math.min(best[engine], ms); // r = 0 warms up (packing caches, JIT)
        }
      }
      const row = {
        model: sh.model, x: `[${n},${h},${w},${ci}]`, filter: `${sh.k}x${sh.k}x${ci}x${sh.co}`, stride: sh.s, pass,
        xnnpackMs: +best.xnnpack.toFixed(2), gemmMs: +best.gemm.toFixed(2),
        xnnpackGflops: +(flops / best.xnnpack / 1e6).toFixed(1), gemmGflops: +(flops / best.gemm / 1e6).toFixed(1),
        speedup: +(best.xnnpack / best.gemm).toFixed(2),
      };
      rows.push(row);
      if (!o.json) console.log(Object.values(row).join('\t'));
    }
    tf.dispose([x, f, y, dy]);
  }
  delete process.env.ASCL_WASM_CONV;
  const summary = { threads: o.threads, fma: fmaEnabled(), backend: backendReport().attempts.at(-1)?.variant ?? null, rows };
  if (o.json) console.log(JSON.stringify(summary));
  else console.log(`threads ${o.threads}, fma ${summary.fma}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
