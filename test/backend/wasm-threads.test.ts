import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { engineChildArgs } from '../../src-main/engine/backend/worker-spawn.js';
import { backendReport, initBackend } from '../../src-main/engine/backend/index.js';
import { tf } from '../../src-main/engine/tf.js';
import { kernelPoolStats, resetKernelPoolStats, type KernelPoolStats } from '../../src-main/engine/backend/kernels/kernel-pool.js';
import { batchNormTraining } from '../../src-main/engine/backend/batch-norm.js';
import { randomArray } from './compare.js';

const run = promisify(execFile);

interface StepOutput { wasmThreads: number; poolThreads: number; pool: KernelPoolStats; shapes: number[][]; bytes: string[] }

/** The fixture in its own process: one tfjs backend per process, and pthread workers end with it. */
async function step(threads: number, conv = 'auto'): Promise<StepOutput> {
  const env = { ...process.env, ASCL_TEST_THREADS: String(threads), ASCL_WASM_CONV: conv };
  const { stdout } = await run(process.execPath, [...engineChildArgs(new URL('./fixtures/threaded-step.ts', import.meta.url))], { timeout: 120_000, env });
  const line = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as StepOutput;
}

describe('wasm with XNNPACK threads (the threaded binary started in Node)', () => {
  it('x [16,16,16,3], conv-BN-ReLU-pool-conv(s2)-dense: loss and all 4 gradients bitwise equal with 1, 2 and 3 threads', async () => {
    const [one, two, three] = [await step(1), await step(2), await step(3)];
    expect([one.wasmThreads, two.wasmThreads, three.wasmThreads]).toEqual([1, 2, 3]);
    expect([one.poolThreads, two.poolThreads, three.poolThreads]).toEqual([1, 2, 3]); // the filter gradients on our pool
    expect(one.shapes).toEqual([[], [16, 16, 16, 3], [3, 3, 3, 32], [3, 3, 32, 64], [1024, 10]]);
    expect(two.bytes).toEqual(one.bytes);
    expect(three.bytes).toEqual(one.bytes);
    const loss = new Float32Array(Buffer.from(one.bytes[0], 'base64').buffer.slice(0))[0];
    expect(Number.isFinite(loss) && loss > 0).toBe(true);
  });

  it('ASCL_WASM_CONV=gemm (every convolution on our implicit GEMM and kernel pool): the same step bitwise equal with 1, 2 and 3 threads', async () => {
    const [one, two, three] = [await step(1, 'gemm'), await step(2, 'gemm'), await step(3, 'gemm')];
    expect([one.poolThreads, two.poolThreads, three.poolThreads]).toEqual([1, 2, 3]);
    // The pool's statistics (what `npm run bench` prints): the same calls whatever the thread count, every
    // thread busy, and no thread busier than the calls' wall time (one thread: its busy time is the wall time).
    for (const s of [one, two, three]) {
      expect(s.pool.calls, `${s.poolThreads} threads`).toBe(one.pool.calls);
      expect(s.pool.busyMs).toHaveLength(s.poolThreads);
      for (const b of s.pool.busyMs) expect(b > 0 && b <= s.pool.wallMs, `busy ${b} of wall ${s.pool.wallMs} ms`).toBe(true);
    }
    expect(one.pool.calls).toBeGreaterThan(0);
    expect(one.pool.busyMs[0]).toBe(one.pool.wallMs);
    expect(two.bytes).toEqual(one.bytes);
    expect(three.bytes).toEqual(one.bytes);
    const auto = await step(1);
    expect(auto.bytes).not.toEqual(one.bytes); // the engines differ in summation order: the switch took effect
  });

  it('threads 2 in this process: the pool has 2 threads, our SIMD kernels run on the shared heap, and 5 repeated steps leak nothing', async () => {
    expect(await initBackend('wasm', { threads: 2 })).toBe('wasm');
    expect(backendReport().wasmThreads).toBe(2);
    expect(backendReport().attempts.at(-1)?.variant).toContain('2 threads');
    const w = tf.variable(tf.randomNormal([3, 3, 8, 16], 0, 0.2, 'float32', 1));
    const x = tf.randomUniform([4, 8, 8, 8], 0, 1, 'float32', 2);
    const opt = tf.train.sgd(0.01);
    const once = () => {
      const cost = opt.minimize(() => tf.mean(tf.square(tf.maxPool(tf.relu(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same')), 2, 2, 'valid'))) as tf.Scalar, true)!;
      const v = cost.dataSync()[0];
      cost.dispose();
      return v;
    };
    once();
    const tensors = tf.memory().numTensors;
    const values: number[] = [];
    for (let i = 0; i < 5; i++) {
      values.push(once());
      expect(tf.memory().numTensors, `step ${i + 2}`).toBe(tensors);
    }
    expect(values[4]).toBeLessThan(values[0]);
  });

  it('threads 2: batch norm [8,32,32,16] split by rows over the pool: y and dx of sum(y * dy) match float64 closed forms within 1e-5', async () => {
    expect(await initBackend('wasm', { threads: 2 })).toBe('wasm');
    const [n, c] = [8 * 32 * 32, 16];
    const xv = randomArray(n * c, 3, 2).map((v) => v + 0.5); // mean away from 0
    const gv = randomArray(c, 4).map((v) => v + 1);
    const bv = randomArray(c, 5);
    const dv = randomArray(n * c, 6);
    const [x, gamma, beta, dy] = [tf.tensor(xv, [8, 32, 32, c]), tf.tensor1d(gv), tf.tensor1d(bv), tf.tensor(dv, [8, 32, 32, c])];
    resetKernelPoolStats();
    const y = batchNormTraining(x, gamma, beta, 1e-5).y;
    const dx = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(batchNormTraining(a, gamma, beta, 1e-5).y, dy)) as tf.Scalar)(x);
    const stats = kernelPoolStats();
    // 8192 rows of 16 channels: the statistics, the affine maps and the gradient sums are split (the worker was busy)
    expect(stats.calls).toBeGreaterThanOrEqual(5);
    expect(stats.busyMs[1]).toBeGreaterThan(0);
    // float64: y = g (x - mu) s + b; dx = g s (dy - mean(dy) - (x - mu) s^2 mean(dy (x - mu))) (Ioffe & Szegedy 2015)
    const [yv, dxv] = [y.dataSync(), dx.dataSync()];
    let errY = 0, errDx = 0;
    for (let j = 0; j < c; j++) {
      let mu = 0, v = 0, sd = 0, sdx = 0;
      for (let r = 0; r < n; r++) mu += xv[r * c + j] / n;
      for (let r = 0; r < n; r++) v += (xv[r * c + j] - mu) ** 2 / n;
      const s = 1 / Math.sqrt(v + 1e-5);
      for (let r = 0; r < n; r++) { sd += dv[r * c + j] / n; sdx += (dv[r * c + j] * (xv[r * c + j] - mu)) / n; }
      for (let r = 0; r < n; r++) {
        const i = r * c + j, xc = xv[i] - mu;
        errY = Math.max(errY, Math.abs(yv[i] - (gv[j] * xc * s + bv[j])));
        errDx = Math.max(errDx, Math.abs(dxv[i] - gv[j] * s * (dv[i] - sd - xc * s * s * sdx)));
      }
    }
    expect(errY).toBeLessThan(1e-5);
    expect(errDx).toBeLessThan(1e-5);
    tf.dispose([x, gamma, beta, dy, y, dx]);
  });

  it('a process that started 2 threads ends by itself once its work is done (no process.exit): pthreads do not hold it', async () => {
    const { stdout } = await run(process.execPath, [...engineChildArgs(new URL('./fixtures/threaded-exit.ts', import.meta.url))], { timeout: 60_000 });
    expect(Number.isFinite((JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as { sum: number }).sum)).toBe(true);
  });

  it.each([0, 9, 1.5])('threads %s is refused with a message naming the allowed range', async (threads) => {
    await expect(initBackend('wasm', { threads })).rejects.toThrow(/threads must be an integer from 1 to 8, got/);
  });
});
