/**
 * Clean accuracy of the reference CNN (test/fixtures/reference-model/cifar10-cnn-pgdat) on all 10000
 * CIFAR-10 test images, against reference_results.json clean_accuracy_10000 (measured in PyTorch). The
 * test suite checks the first 1000 images (the fixture subset); this needs the full test batch:
 *   ASCL_DATA_DIR=DIR npx tsx studies/attacks/clean-accuracy-full.ts [--data-dir DIR] [--backend wasm]
 * Exit code 1 when the accuracy differs from the reference by more than 0.2 points.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { tf } from '../../src-main/engine/tf.js';
import { initBackend } from '../../src-main/engine/backend/index.js';
import type { BackendChoice } from '../../src-main/shared/options.js';
import { loadDataset } from '../../src-main/engine/data/index.js';
import { loadExternalModel } from '../../src-main/engine/models/external.js';
import { REFERENCE_MODEL_DIR } from '../../test/fixtures/paths.js';
import { requireDataDir } from '../data-dir.js';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { 'data-dir': { type: 'string' }, backend: { type: 'string', default: 'wasm' } } });
  const dataDir = requireDataDir('clean-accuracy-full', values['data-dir']);
  const backend = await initBackend(values.backend as BackendChoice);
  const ref = JSON.parse(readFileSync(resolve(REFERENCE_MODEL_DIR, 'reference_results.json'), 'utf8')) as { clean_accuracy_10000: number };
  const d = await loadDataset('cifar10', { dataDir });
  if (d.test.count !== 10000) throw new Error(`clean-accuracy-full: ${dataDir} holds ${d.test.count} test images, expected the full 10000`);
  const model = await loadExternalModel(REFERENCE_MODEL_DIR, { inputShape: [32, 32, 3], numClasses: 10 });
  let correct = 0;
  const batch = 500;
  for (let i = 0; i < d.test.count; i += batch) {
    // x: [batch, 32, 32, 3] in [0, 1]; correct += sum(argmax logits == label)
    correct += tf.tidy(() => {
      const x = tf.tensor4d(d.test.images.subarray(i * 3072, (i + batch) * 3072), [batch, 32, 32, 3]);
      const y = tf.tensor1d(d.test.labels.subarray(i, i + batch), 'int32');
      return tf.sum(tf.cast(tf.equal(tf.argMax(model.logits(x), 1), y), 'int32')).dataSync()[0];
    });
  }
  model.dispose();
  const acc = correct / d.test.count;
  console.log(`backend ${backend}: clean accuracy on 10000 test images ${acc.toFixed(4)}, reference ${ref.clean_accuracy_10000.toFixed(4)}`);
  return Math.abs(acc - ref.clean_accuracy_10000) > 0.002 ? 1 : 0;
}

main().then((code) => { process.exitCode = code; }, (err: unknown) => {
  console.error((err as Error).message);
  process.exitCode = 2;
});
