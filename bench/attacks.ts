/**
 * Attack throughput for `npm run bench` (bench/index.ts imports attackBench):
 * - pgd250SamplesPerSecond: PGD (eps 8/255, step 2/255) on 100 CIFAR-10 test images with the
 *   reference CNN (test/fixtures/reference-model/cifar10-cnn-pgdat as an engine small-cnn), timed
 *   over `pgdSteps` steps and expressed for 250 steps: 100 / (250 * seconds per step);
 * - autoAttackSecondsPer100: the full standard AutoAttack on the first `aaImages` images, per 100;
 * - torchPgd250SamplesPerSecond: the same PGD in PyTorch (bench/torch_pgd.py, /usr/bin/python3,
 *   2 threads, same weights and images), in the same run; ratio = ours / torch.
 * The backend is whatever bench/index.ts started (initBackend before calling).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { tf } from '../src-main/engine/tf.js';
import { pgdEval } from '../src-main/engine/attacks/pgd.js';
import { autoAttack } from '../src-main/engine/attacks/autoattack.js';
import { inferenceLogits } from '../src-main/engine/evaluate/evaluate.js';
import { torchUnavailable } from './torch-reference.js';
import { CIFAR_TEST, REFERENCE_DIR, readCifarBatch, referenceAvailable, referenceEngineModel } from '../test/attacks/fixtures.js';

const Opts = z.object({
  pgdSteps: z.number().int().positive().default(10),
  aaImages: z.number().int().min(0).max(1000).default(100),
  torch: z.boolean().default(true),
}).strict();

const TorchPgd = z.object({ secondsPerStep: z.number(), pgd250SamplesPerSecond: z.number(), cleanAccuracy1000: z.number(), threads: z.number() });

export async function attackBench(opts: z.input<typeof Opts> = {}): Promise<Record<string, number>> {
  const o = Opts.parse(opts);
  if (!referenceAvailable()) throw new Error(`attackBench: the reference model or CIFAR-10 test batch is missing (${REFERENCE_DIR}, ${CIFAR_TEST})`);
  const model = referenceEngineModel();
  const f = inferenceLogits(model);
  const n = Math.max(100, o.aaImages);
  const data = readCifarBatch(CIFAR_TEST, n);
  const out: Record<string, number> = {};
  const params = { eps: 8 / 255, stepSize: 2 / 255, steps: o.pgdSteps, randomStart: true, restarts: 1, numClasses: 10, seed: 0 };

  const x = tf.tensor4d(data.images.subarray(0, 100 * 3072), [100, 32, 32, 3]);
  const y = tf.tensor1d(data.labels.subarray(0, 100), 'int32');
  tf.dispose(await pgdEval(f, x, y, { ...params, steps: 1 })); // warm-up
  let t = performance.now();
  tf.dispose(await pgdEval(f, x, y, params));
  const perStep = (performance.now() - t) / 1000 / o.pgdSteps;
  out.pgd250SamplesPerSecond = 100 / (250 * perStep);
  tf.dispose([x, y]);

  if (o.aaImages > 0) {
    const xa = tf.tensor4d(data.images.subarray(0, o.aaImages * 3072), [o.aaImages, 32, 32, 3]);
    const ya = tf.tensor1d(data.labels.subarray(0, o.aaImages), 'int32');
    t = performance.now();
    const r = await autoAttack(f, xa, ya, { ...params, steps: 100 });
    out.autoAttackSecondsPer100 = ((performance.now() - t) / 1000) * (100 / o.aaImages);
    out.autoAttackRobustAccuracy = r.robust.reduce((a, b) => a + b, 0) / o.aaImages;
    tf.dispose([xa, ya, r.xAdv]);
  }
  model.dispose();

  const why = o.torch ? torchUnavailable() : 'disabled';
  if (why === null) {
    const script = fileURLToPath(new URL('./torch_pgd.py', import.meta.url));
    const res = spawnSync(process.env.ASCL_BENCH_PYTHON ?? '/usr/bin/python3',
      [script, '--model-dir', REFERENCE_DIR, '--test-batch', CIFAR_TEST, '--threads', '2', '--batch', '100', '--steps', String(o.pgdSteps)],
      { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '2' } });
    if (res.status !== 0) throw new Error(`attackBench: torch_pgd.py exited ${res.status}: ${res.stderr.trim().slice(-600)}`);
    const tr = TorchPgd.parse(JSON.parse(res.stdout.trim().split('\n').at(-1) ?? ''));
    out.torchPgd250SamplesPerSecond = tr.pgd250SamplesPerSecond;
    out.torchCleanAccuracy1000 = tr.cleanAccuracy1000;
    out.pgdRatioOursToTorch = out.pgd250SamplesPerSecond / tr.pgd250SamplesPerSecond;
  } else {
    console.warn(`attackBench: skipping the PyTorch PGD: ${why}`);
  }
  return out;
}
