/**
 * Test fixtures for attacks: paths of the reference CNN (test/fixtures/reference-model/cifar10-cnn-pgdat,
 * a TensorFlow.js LayersModel trained in PyTorch; load it with models/external.ts), its weights as an
 * engine small-cnn, and the first 1000 images of the CIFAR-10 test batch (test/fixtures/cifar10).
 */
import { readFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ClassifierModel } from '../../src-main/engine/models/model.js';
import { createModel, setNamedWeights } from '../../src-main/engine/models/index.js';
import type { NamedArrays } from '../../src-main/engine/train/types.js';
import { CIFAR10_SUBSET_DIR, REFERENCE_MODEL_DIR } from '../fixtures/paths.js';

export const REFERENCE_DIR = REFERENCE_MODEL_DIR;
export const CIFAR_TEST = resolve(CIFAR10_SUBSET_DIR, 'test_batch.bin');

export function referenceAvailable(): boolean {
  return existsSync(resolve(REFERENCE_DIR, 'model.json')) && existsSync(CIFAR_TEST);
}

/** First n images of a CIFAR-10 binary batch (label byte + 3072 CHW bytes), as NHWC in [0, 1]. */
export function readCifarBatch(path: string, n: number): { images: Float32Array; labels: Int32Array } {
  const buf = readFileSync(path);
  const rec = 1 + 3072;
  const count = Math.min(n, Math.floor(buf.length / rec));
  const images = new Float32Array(count * 3072);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const o = i * rec;
    labels[i] = buf[o];
    for (let c = 0; c < 3; c++) for (let p = 0; p < 1024; p++) images[i * 3072 + p * 3 + c] = buf[o + 1 + c * 1024 + p] / 255;
  }
  return { images, labels };
}

/** The reference weights as named arrays (manifest order, float32, little-endian). */
export function readReferenceWeights(dir: string = REFERENCE_DIR): NamedArrays {
  const json = JSON.parse(readFileSync(resolve(dir, 'model.json'), 'utf8')) as {
    weightsManifest: Array<{ paths: string[]; weights: Array<{ name: string; shape: number[]; dtype: string }> }>;
  };
  const out: NamedArrays = {};
  for (const group of json.weightsManifest) {
    const buf = Buffer.concat(group.paths.map((p) => readFileSync(resolve(dir, p))));
    let offset = 0;
    for (const w of group.weights) {
      if (w.dtype !== 'float32') throw new Error(`readReferenceWeights: ${w.name} has dtype ${w.dtype}, expected float32`);
      const size = w.shape.reduce((a, b) => a * b, 1);
      const data = new Float32Array(size);
      for (let i = 0; i < size; i++) data[i] = buf.readFloatLE(offset + 4 * i);
      offset += 4 * size;
      out[w.name] = { shape: w.shape, data };
    }
  }
  return out;
}

/** The reference CNN as an engine model (small-cnn has the same layers and weight names). */
export function referenceEngineModel(): ClassifierModel {
  const model = createModel('small-cnn', { inputShape: [32, 32, 3], numClasses: 10, projectionHead: 'none', seed: 0 });
  setNamedWeights(model, readReferenceWeights());
  return model;
}
