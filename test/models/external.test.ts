import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src-main/engine/tf.js';
import { initBackend } from '../../src-main/engine/backend/index.js';
import { loadDataset } from '../../src-main/engine/data/index.js';
import { createModel, setNamedWeights, loadExternalModel, readLayersModelWeights, ExternalModelError, logitsFn } from '../../src-main/engine/models/index.js';
import { maxAbsDiff } from './golden.js';
import { CIFAR10_SUBSET_DIR, REFERENCE_MODEL_DIR } from '../fixtures/paths.js';

const REF = REFERENCE_MODEL_DIR;
const CIFAR = CIFAR10_SUBSET_DIR;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ascl-ext-'));
beforeAll(async () => { await initBackend('wasm'); });
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function accuracy(logits: tf.Tensor2D, labels: Int32Array): number {
  return tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.argMax(logits, 1), tf.tensor1d(labels, 'int32')), 'float32')).dataSync()[0]);
}

describe('external LayersModel: test/fixtures/reference-model/cifar10-cnn-pgdat', () => {
  it('clean accuracy on the first 1000 CIFAR-10 test images = reference_results.json clean_accuracy_1000 (within 0.2 pp); small-cnn with the same weights gives the same logits and latent (1e-4)', async () => {
    const ref = JSON.parse(fs.readFileSync(path.join(REF, 'reference_results.json'), 'utf8')) as { clean_accuracy_1000: number };
    const d = await loadDataset('cifar10', { dataDir: CIFAR });
    const x = tf.tensor4d(d.test.images.subarray(0, 1000 * 3072), [1000, 32, 32, 3]);
    const labels = d.test.labels.subarray(0, 1000);
    const ext = await loadExternalModel(REF, { inputShape: [32, 32, 3], numClasses: 10 });
    expect([ext.latentDim, ext.numClasses]).toEqual([128, 10]);
    const e = ext.forward(x, { training: false });
    const acc = accuracy(e.logits, labels);
    expect(Math.abs(acc - ref.clean_accuracy_1000)).toBeLessThanOrEqual(0.002);

    const ours = createModel('small-cnn', { inputShape: [32, 32, 3], numClasses: 10, projectionHead: 'none', seed: 0 });
    setNamedWeights(ours, await readLayersModelWeights(path.join(REF, 'model.json')));
    const o = ours.forward(x, { training: false });
    expect(maxAbsDiff(o.logits.dataSync(), e.logits.dataSync())).toBeLessThan(1e-4);
    expect(maxAbsDiff(o.latent.dataSync(), e.latent.dataSync())).toBeLessThan(1e-4);
    expect(accuracy(o.logits, labels)).toBe(acc);

    // logitsFn (what attacks use) agrees with forward and leaks nothing
    const x8 = tf.slice(x, [0, 0, 0, 0], [8, 32, 32, 3]);
    const e8 = tf.slice(e.logits, [0, 0], [8, 10]);
    const n0 = tf.memory().numTensors;
    const l = ext.logits(x8);
    const l2 = logitsFn(ours)(x8);
    expect(maxAbsDiff(l2.dataSync(), e8.dataSync())).toBeLessThan(1e-4);
    l2.dispose();
    expect(maxAbsDiff(l.dataSync(), e8.dataSync())).toBeLessThan(1e-6);
    l.dispose();
    expect(tf.memory().numTensors).toBe(n0);
    tf.dispose([x8, e8]);
    tf.dispose([x, e.logits, e.latent, o.logits, o.latent]);
    ext.dispose(); ours.dispose();
  });
});

describe('external LayersModel: bad files get ExternalModelErrors', () => {
  const modelJson = JSON.parse(fs.readFileSync(path.join(REF, 'model.json'), 'utf8')) as Record<string, unknown> & { modelTopology: { config: { layers: Array<{ config: Record<string, unknown> }> } } };
  const weights = fs.readFileSync(path.join(REF, 'weights.bin'));
  function variant(name: string, json: unknown, bin: Buffer | null): string {
    const dir = path.join(tmp, name);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'model.json'), typeof json === 'string' ? json : JSON.stringify(json));
    if (bin) fs.writeFileSync(path.join(dir, 'weights.bin'), bin);
    return dir;
  }
  const softmax = structuredClone(modelJson);
  softmax.modelTopology.config.layers[6].config.activation = 'softmax';
  const cases: Array<[string, unknown, Buffer | null, RegExp, object?]> = [
    ['missing weights.bin', modelJson, null, /weights file .*weights\.bin named in .*model\.json is missing/],
    ['truncated weights.bin', modelJson, weights.subarray(0, 1000), /weights\.bin: 1000 bytes, the manifest in .* needs 2180392/],
    ['not JSON', '{"format": "layers-model", ', weights, /cannot read .*model\.json as JSON/],
    ['a GraphModel', { format: 'graph-model', modelTopology: { node: [] }, weightsManifest: [] }, weights, /is a TensorFlow\.js GraphModel, not a LayersModel/],
    ['no weightsManifest', { ...modelJson, weightsManifest: undefined }, weights, /not a TensorFlow\.js LayersModel: weightsManifest/],
    ['softmax output', softmax, weights, /last Dense layer has activation "softmax"; attacks need logits/],
    ['MNIST-shaped data', modelJson, weights, /input shape \[32, 32, 3\] does not match the data's \[28, 28, 1\]/, { inputShape: [28, 28, 1] }],
  ];
  for (const [what, json, bin, message, options] of cases) {
    it(`${what}`, async () => {
      const dir = variant(what.replace(/\W+/g, '_'), json, bin);
      const p = loadExternalModel(dir, options ?? {});
      await expect(p).rejects.toBeInstanceOf(ExternalModelError);
      await expect(loadExternalModel(dir, options ?? {})).rejects.toThrow(message);
    });
  }
});
