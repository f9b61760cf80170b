/**
 * `npm run bench [-- --json] [--models small-cnn,resnet20] [--steps N] [--backend wasm] [--cores N] [--no-torch] [--no-extras]`
 *
 * For each model at batch 128: samples/s of one ASCL training step (./train-step.ts) on one core
 * (one worker thread) and on two (two worker threads, each running its own step concurrently:
 * one run per core), the effective GFLOPS per core, the same step in PyTorch with 1 and 2 threads
 * (./torch_reference_step.py), and the ratio ours(2 cores) / torch(2 threads); then one run using
 * the 2 cores (XNNPACK threads, src-main/engine/backend/wasm-threads.ts) against its one-core speed,
 * and the one-core step's per-kernel profile (./kernel-profile.ts). `--cores N` runs the
 * multi-core part with N workers (and torch with N threads) instead of 2. Sections by other
 * areas are included when their files exist: ./attacks.ts (attackBench), ./selection.ts (selectionBench).
 * With --json the last line is one JSON object keyed by model (and section).
 * `--backend webgpu`: the same step on one GPU (one worker: one process or worker per GPU), against
 * PyTorch on CUDA where torch sees a GPU, else PyTorch on 2 CPU threads; the adapter is printed.
 * A software adapter (llvmpipe) is used only with ASCL_WEBGPU_ALLOW_SOFTWARE=1.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { BACKENDS, MODELS, type ModelName } from '../src-main/shared/options.js';
import { engineWorkerUrl, spawnEngineWorker } from '../src-main/engine/backend/worker-spawn.js';
import type { StepWorkerData, StepWorkerMessage } from './step-worker.js';
import type { StepTiming } from './train-step.js';
import { byKernel, formatKernelTable, type KernelRow } from './kernel-profile.js';
import { runTorchStep, torchHasCuda, torchUnavailable } from './torch-reference.js';

const Args = z.object({
  json: z.boolean(),
  models: z.array(z.enum(MODELS)).min(1),
  steps: z.number().int().positive(),
  backend: z.enum(BACKENDS),
  torch: z.boolean(),
  extras: z.boolean(),
  cores: z.number().int().min(2).max(256),
});
type Args = z.infer<typeof Args>;

function parseArgs(argv: string[]): Args {
  const raw: Record<string, unknown> = { json: false, models: ['small-cnn', 'resnet20'], steps: 3, backend: 'wasm', torch: true, extras: true, cores: 2 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') raw.json = true;
    else if (a === '--no-torch') raw.torch = false;
    else if (a === '--no-extras') raw.extras = false;
    else if (a === '--models') raw.models = (argv[++i] ?? '').split(',');
    else if (a === '--steps') raw.steps = Number(argv[++i]);
    else if (a === '--backend') raw.backend = argv[++i];
    else if (a === '--cores') raw.cores = Number(argv[++i]);
    else throw new Error(`bench: unknown argument '${a}' (known: --json --models a,b --steps N --backend NAME --cores N --no-torch --no-extras)`);
  }
  const r = Args.safeParse(raw);
  if (!r.success) throw new Error(`bench: bad arguments: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return r.data;
}

interface WorkersTiming {
  timings: StepTiming[];
  /** The first worker's webgpu adapter, where it started one. */
  adapter: string | null;
  /** Samples per second of process CPU time over the timed steps: throughput per core without contention. */
  samplesPerCpuSecond: number;
}

/**
 * Runs `count` workers, each timing its own training step; timing starts in all at once. Also
 * reads this process's CPU time over the timed window (the main thread idles meanwhile).
 */
async function timeInWorkers(count: number, data: StepWorkerData): Promise<WorkersTiming> {
  const workers = Array.from({ length: count }, () => spawnEngineWorker(engineWorkerUrl('./step-worker', import.meta.url), { workerData: data }));
  let cpuAtGo: NodeJS.CpuUsage | null = null;
  try {
    let ready = 0;
    let adapter: string | null = null;
    const timings = await Promise.all(workers.map((w) => new Promise<StepTiming>((resolve, reject) => {
      w.on('message', (m: StepWorkerMessage) => {
        if (m.type === 'ready' && ++ready === count) {
          cpuAtGo = process.cpuUsage();
          for (const v of workers) v.postMessage('go');
        } else if (m.type === 'result') {
          adapter ??= m.adapter;
          resolve(m.timing);
        }
        else if (m.type === 'error') reject(new Error(`bench worker (${data.model}): ${m.message}`));
      });
      w.once('error', reject);
      w.once('exit', (code) => reject(new Error(`bench worker (${data.model}) exited with code ${code}`)));
    })));
    const cpu = process.cpuUsage(cpuAtGo ?? undefined);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    return { timings, adapter, samplesPerCpuSecond: (count * data.batch * data.steps) / cpuSeconds };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

export interface ModelBench {
  samplesPerSecond: number;
  samplesPerSecondOneCore: number;
  torchSamplesPerSecond: number | null;
  torchSamplesPerSecondOneThread: number | null;
  ratio: number | null;
  ratioOneCore: number | null;
  gflopsPerCore: number;
  gflopsOneCore: number;
  gflopPerStep: number;
  /** Ours per core in samples per CPU-second (two-core run): what a core does when not contended. */
  samplesPerCpuSecond: number;
  gflopsPerCpuSecond: number;
  /** One run whose wasm backend uses `cores` threads: samples/s, its speed-up over one core, and ours/torch(cores threads). */
  oneRunSamplesPerSecond?: number;
  oneRunSpeedup?: number;
  oneRunRatio?: number | null;
  /** The kernel pool per step in the one-core run and in the one run on all cores (./train-step.ts). */
  pool?: { oneCore: StepTiming['pool']; oneRun: StepTiming['pool'] };
  /** The one-core step's kernels (slowest 25 by shape) and per kernel name. */
  kernels?: KernelRow[];
  kernelSummary?: Array<{ kernel: string; ms: number; share: number }>;
}

/** One GPU: one worker; the reference is PyTorch on CUDA where present. */
async function benchModelGpu(model: ModelName, a: Args, log: (s: string) => void): Promise<ModelBench> {
  const data: StepWorkerData = { model, backend: a.backend, batch: 128, steps: a.steps, warmup: 1 };
  const single = await timeInWorkers(1, data);
  const [one] = single.timings;
  log(`  ${model}: ${a.backend} ${one.samplesPerSecond.toFixed(1)} samples/s (${one.msPerStep.toFixed(0)} ms/step) on ${single.adapter ?? '?'}`);
  let torch: number | null = null;
  let torchDevice = 'cpu';
  if (a.torch) {
    const why = torchUnavailable();
    if (why) log(`  ${model}: PyTorch skipped: ${why}`);
    else {
      const cuda = torchHasCuda();
      torchDevice = cuda ? 'cuda' : 'cpu (2 threads; no CUDA for torch here)';
      torch = runTorchStep(model, 2, { batch: 128, steps: a.steps, device: cuda ? 'cuda' : 'cpu' }).samplesPerSecond;
      log(`  ${model}: PyTorch ${torchDevice} ${torch.toFixed(1)} samples/s`);
    }
  }
  const flops = one.flopsPerStep;
  return {
    samplesPerSecond: one.samplesPerSecond, samplesPerSecondOneCore: one.samplesPerSecond,
    torchSamplesPerSecond: torch, torchSamplesPerSecondOneThread: null,
    ratio: torch ? one.samplesPerSecond / torch : null, ratioOneCore: null,
    gflopsPerCore: flops / one.msPerStep / 1e6, gflopsOneCore: flops / one.msPerStep / 1e6, gflopPerStep: flops / 1e9,
    samplesPerCpuSecond: single.samplesPerCpuSecond, gflopsPerCpuSecond: (single.samplesPerCpuSecond / data.batch) * flops / 1e9,
  };
}

/**
 * Our kernel pool's share of a step: the pooled kernels' wall time, each thread's busy time in them, and the
 * rest of the step (on one thread, or XNNPACK's pool). Against the one-core line it tells whether a run on N
 * cores is held back by what is not split (the rest) or by the split itself (busy times above 1/N of one core's).
 */
function poolLine(t: StepTiming, where: string): string {
  const p = t.pool;
  if (p.calls === 0) return `kernel pool ${where}: no pooled calls`;
  return `kernel pool ${where}: ${p.calls.toFixed(0)} calls/step, ${p.wallMs.toFixed(0)} ms/step wall ` +
    `(${((100 * p.wallMs) / t.msPerStep).toFixed(0)}% of the step), busy ${p.busyMs.map((b) => b.toFixed(0)).join(' / ')} ms per thread, ` +
    `rest of the step ${(t.msPerStep - p.wallMs).toFixed(0)} ms`;
}

/** Per pooled kernel: its one-core time and the ratio of its busy time summed over the threads to it. */
function splitCosts(one: StepTiming, many: StepTiming): string {
  return Object.entries(one.pool.byKernel).map(([kernel, t]) => {
    const busy = many.pool.byKernel[kernel as keyof typeof many.pool.byKernel]?.busyMs.reduce((s, b) => s + b, 0);
    return `${kernel} ${t.wallMs.toFixed(0)} ms ${busy === undefined ? '-' : `${(busy / t.wallMs).toFixed(2)}x`}`;
  }).join(', ');
}

async function benchModel(model: ModelName, a: Args, log: (s: string) => void): Promise<ModelBench> {
  if (a.backend === 'webgpu') return benchModelGpu(model, a, log);
  const data: StepWorkerData = { model, backend: a.backend, batch: 128, steps: a.steps, warmup: 1 };
  const single = await timeInWorkers(1, { ...data, profile: true });
  const [one] = single.timings;
  log(`  ${model}: 1 core  ${one.samplesPerSecond.toFixed(1)} samples/s (${one.msPerStep.toFixed(0)} ms/step; ${single.samplesPerCpuSecond.toFixed(1)} per CPU-second)`);
  if (one.profile) {
    log(`  ${model}: per-kernel profile of one step on 1 core (${one.profile.stepMs.toFixed(0)} ms with profiling, ${one.profile.totalMs.toFixed(0)} ms in kernels):`);
    for (const line of formatKernelTable(one.profile.rows)) log(line);
    log(`  by kernel: ${byKernel(one.profile.rows).slice(0, 10).map((k) => `${k.kernel} ${(100 * k.share).toFixed(1)}%`).join(', ')}`);
  }
  // One run on all the cores: XNNPACK's threads (wasm only; other backends size their own pools).
  const oneRun = a.backend === 'wasm' ? (await timeInWorkers(1, { ...data, threads: a.cores })).timings[0] : null;
  if (oneRun) {
    log(`  ${model}: 1 run on ${a.cores} cores ${oneRun.samplesPerSecond.toFixed(1)} samples/s (${(oneRun.samplesPerSecond / one.samplesPerSecond).toFixed(2)}x its 1-core speed)`);
    log(`  ${model}: ${poolLine(one, 'on 1 core')}`);
    log(`  ${model}: ${poolLine(oneRun, `on ${a.cores} cores`)}`);
    log(`  ${model}: split cost per pooled kernel (busy on ${a.cores} cores / on 1): ${splitCosts(one, oneRun)}`);
  }
  const pair = await timeInWorkers(a.cores, data);
  const two = pair.timings;
  const sps2 = two.reduce((s, t) => s + t.samplesPerSecond, 0);
  log(`  ${model}: ${a.cores} cores ${sps2.toFixed(1)} samples/s (${two.map((t) => t.msPerStep.toFixed(0)).join(' / ')} ms/step; ${pair.samplesPerCpuSecond.toFixed(1)} per CPU-second)`);
  let torch1: number | null = null;
  let torch2: number | null = null;
  if (a.torch) {
    const why = torchUnavailable();
    if (why) log(`  ${model}: PyTorch skipped: ${why}`);
    else {
      torch1 = runTorchStep(model, 1, { batch: 128, steps: a.steps }).samplesPerSecond;
      torch2 = runTorchStep(model, a.cores, { batch: 128, steps: a.steps }).samplesPerSecond;
      log(`  ${model}: PyTorch 1 thread ${torch1.toFixed(1)}, ${a.cores} threads ${torch2.toFixed(1)} samples/s`);
    }
  }
  const flops = one.flopsPerStep;
  return {
    samplesPerSecond: sps2,
    samplesPerSecondOneCore: one.samplesPerSecond,
    torchSamplesPerSecond: torch2,
    torchSamplesPerSecondOneThread: torch1,
    ratio: torch2 ? sps2 / torch2 : null,
    ratioOneCore: torch1 ? one.samplesPerSecond / torch1 : null,
    gflopsPerCore: two.reduce((s, t) => s + flops / t.msPerStep / 1e6, 0) / two.length,
    gflopsOneCore: flops / one.msPerStep / 1e6,
    gflopPerStep: flops / 1e9,
    samplesPerCpuSecond: pair.samplesPerCpuSecond,
    gflopsPerCpuSecond: (pair.samplesPerCpuSecond / data.batch) * flops / 1e9,
    ...(oneRun ? {
      oneRunSamplesPerSecond: oneRun.samplesPerSecond,
      oneRunSpeedup: oneRun.samplesPerSecond / one.samplesPerSecond,
      oneRunRatio: torch2 ? oneRun.samplesPerSecond / torch2 : null,
      pool: { oneCore: one.pool, oneRun: oneRun.pool },
    } : {}),
    ...(one.profile ? { kernels: one.profile.rows.slice(0, 25), kernelSummary: byKernel(one.profile.rows) } : {}),
  };
}

async function extraSection(file: string, exportName: string, a: Args, log: (s: string) => void): Promise<Record<string, number> | null> {
  const path = fileURLToPath(new URL(file, import.meta.url));
  if (!existsSync(path) && !existsSync(path.replace(/\.js$/, '.ts'))) return null;
  const { initBackend } = await import('../src-main/engine/backend/index.js');
  await initBackend(a.backend);
  const mod = (await import(file)) as Record<string, unknown>;
  const fn = mod[exportName];
  if (typeof fn !== 'function') throw new Error(`bench: ${file} does not export ${exportName}()`);
  // Called with no argument: each section's own defaults.
  const r = (await (fn as () => Promise<Record<string, number>>)()) ?? {};
  for (const [k, v] of Object.entries(r)) log(`  ${exportName} ${k}: ${typeof v === 'number' ? v.toFixed(2) : String(v)}`);
  return r;
}

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  const log = (s: string): void => void (a.json ? process.stderr : process.stdout).write(s + '\n');
  log(`bench: ${os.cpus().length} cpus (${os.cpus()[0]?.model ?? '?'}), load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}, backend ${a.backend}, ${a.steps} timed steps`);
  const out: Record<string, unknown> = {};
  for (const model of a.models) {
    try {
      out[model] = await benchModel(model, a, log);
    } catch (e) {
      const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
      log(`  ${model}: skipped: ${message}`);
      out[model] = { error: message };
    }
  }
  log('');
  log('samples/s (wall clock, batch 128); CPU: ours per CPU-second of a core; GFLOPS per core (wall) / per CPU-second');
  const n = a.backend === 'webgpu' ? 'gpu' : `${a.cores}c`;
  const t = a.backend === 'webgpu' ? 'ref' : `${a.cores}t`;
  log(`model      ours 1c   ours ${n.padEnd(3)} torch 1t  torch ${t.padEnd(3)} ratio ${`${n}/${t}`.padEnd(7)}  ours CPU  GFLOPS/core  GFLOPS/CPU-s  GFLOP/step`);
  for (const model of a.models) {
    const r = out[model] as Partial<ModelBench> & { error?: string };
    if (r.error) continue;
    const f = (v: number | null | undefined, d = 1): string => (v == null ? '-' : v.toFixed(d)).padStart(9);
    log(`${model.padEnd(9)}${f(r.samplesPerSecondOneCore)}${f(r.samplesPerSecond)}${f(r.torchSamplesPerSecondOneThread)}${f(r.torchSamplesPerSecond)}${f(r.ratio, 2).padStart(13)}${f(r.samplesPerCpuSecond).padStart(11)}${f(r.gflopsPerCore).padStart(13)}${f(r.gflopsPerCpuSecond).padStart(14)}${f(r.gflopPerStep).padStart(12)}`);
  }
  log('targets: small-cnn ratio >= 1.2, resnet20 ratio >= 0.4, >= 20 GFLOPS per core');
  for (const model of a.models) {
    const r = out[model] as Partial<ModelBench>;
    if (r.oneRunSpeedup !== undefined) log(`${model}: one run on ${a.cores} cores ${r.oneRunSamplesPerSecond?.toFixed(1)} samples/s = ${r.oneRunSpeedup.toFixed(2)}x one core (target >= 1.6); vs torch ${a.cores}t ${r.oneRunRatio == null ? '-' : r.oneRunRatio.toFixed(2)}`);
  }
  if (a.extras) {
    for (const [file, name, key] of [['./attacks.js', 'attackBench', 'attacks'], ['./selection.js', 'selectionBench', 'selection']] as const) {
      try {
        const r = await extraSection(file, name, a, log);
        if (r) out[key] = r;
      } catch (e) {
        log(`  ${name}: failed: ${e instanceof Error ? e.message : String(e)}`);
        out[key] = { error: e instanceof Error ? e.message : String(e) };
      }
    }
  }
  out.loadAverage = os.loadavg();
  if (a.json) process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
