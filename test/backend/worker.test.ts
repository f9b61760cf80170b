import { describe, expect, it } from 'vitest';
import { tf } from '../../src-main/engine/tf.js';
import { spawnEngineWorker } from '../../src-main/engine/backend/worker-spawn.js';
import { useWasm } from './compare.js';

describe('spawnEngineWorker', () => {
  it('a .ts worker entry starts its own wasm backend and computes the same conv gradient as this thread', async () => {
    const worker = spawnEngineWorker(new URL('./fixtures/engine-worker.ts', import.meta.url));
    const result = await new Promise<{ backend: string; gradient: number[] }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`worker exited with code ${code} before answering`)));
    });
    await worker.terminate();
    expect(result.backend).toBe('wasm');
    await useWasm();
    const x = tf.tensor4d(Array.from({ length: 2 * 5 * 5 * 3 }, (_, i) => Math.sin(i)), [2, 5, 5, 3]);
    const w = tf.tensor4d(Array.from({ length: 3 * 3 * 3 * 4 }, (_, i) => Math.cos(i)), [3, 3, 3, 4]);
    const gw = tf.grad((f: tf.Tensor) => tf.sum(tf.square(tf.conv2d(x, f as tf.Tensor4D, 2, 'same'))))(w);
    const expected = Array.from(gw.dataSync());
    expect(result.gradient).toHaveLength(expected.length);
    result.gradient.forEach((g, i) => expect(g).toBeCloseTo(expected[i], 3));
  });

  it('rejects a non-file URL', () => {
    expect(() => spawnEngineWorker('http://example.com/w.js')).toThrow(/expected a file URL or path/);
  });
});
