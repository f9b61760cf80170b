/** Reads golden/resnet20.{json,bin}, written by golden/make_resnet20_golden.py (PyTorch). */
import fs from 'node:fs';
import { tf } from '../../src-main/engine/tf.js';
import { createModel, setNamedWeights } from '../../src-main/engine/models/index.js';
import type { ClassifierModel } from '../../src-main/engine/models/model.js';
import type { NamedArrays } from '../../src-main/engine/train/types.js';

export type GoldenArrays = Record<string, { shape: number[]; data: Float32Array }>;

export function loadGolden(): GoldenArrays {
  const dir = new URL('./golden/', import.meta.url);
  const manifest = JSON.parse(fs.readFileSync(new URL('resnet20.json', dir), 'utf8')) as { arrays: Array<{ name: string; shape: number[]; offset: number }> };
  const bin = fs.readFileSync(new URL('resnet20.bin', dir));
  const out: Record<string, { shape: number[]; data: Float32Array }> = {};
  for (const a of manifest.arrays) {
    const n = a.shape.reduce((p, d) => p * d, 1);
    out[a.name] = { shape: a.shape, data: new Float32Array(bin.buffer.slice(bin.byteOffset + a.offset, bin.byteOffset + a.offset + 4 * n)) };
  }
  return out;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`maxAbsDiff: lengths ${a.length} and ${b.length} differ`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** The golden ResNet20 (PyTorch weights loaded into ours) and its input batch. */
export function goldenResnet20(): { g: GoldenArrays; weights: NamedArrays; model: ClassifierModel; x: tf.Tensor4D } {
  const g = loadGolden();
  const weights: NamedArrays = {};
  for (const [k, v] of Object.entries(g)) if (k.startsWith('weights/')) weights[k.slice(8)] = v;
  const model = createModel('resnet20', { inputShape: [32, 32, 3], numClasses: 10, projectionHead: 'none', seed: 0 });
  setNamedWeights(model, weights);
  const x = tf.tensor4d(g.input.data, g.input.shape as [number, number, number, number]);
  return { g, weights, model, x };
}
