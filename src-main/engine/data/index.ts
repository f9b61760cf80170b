/**
 * Dataset registry: one loader per file, registered here by name; `loadDataset` is the one entry
 * point the trainer, CLI and service use.
 */
import { Registry } from '../registry.js';
import { DATASETS, type DatasetName } from '../../shared/options.js';
import type { Dataset, DatasetLoadOptions, DatasetLoader } from './dataset.js';
import { createSyntheticDataset } from './synthetic.js';
import { limitTrain } from './split.js';
import { cifar10Loader, cifar100Loader } from './cifar.js';
import { mnistLoader } from './mnist.js';

const syntheticLoader: DatasetLoader = {
  name: 'synthetic',
  load: async (o) => createSyntheticDataset({ seed: o.seed ?? 0 }),
};

export const datasetRegistry = new Registry<DatasetName, DatasetLoader>('dataset', DATASETS, {
  synthetic: syntheticLoader, mnist: mnistLoader, cifar10: cifar10Loader, cifar100: cifar100Loader,
});

/** Loads a dataset by name and applies `limit` (first N training samples). */
export async function loadDataset(name: DatasetName, options: DatasetLoadOptions = {}): Promise<Dataset> {
  const dataset = await datasetRegistry.get(name).load(options);
  return limitTrain(dataset, options.limit);
}

export { DatasetError } from './dataset.js';
export type { Dataset, DatasetSplit, DatasetLoadOptions } from './dataset.js';
export { createSyntheticDataset } from './synthetic.js';
export { takeFirst, limitTrain, sampleSize } from './split.js';
export { batches, numBatches, epochOrder, gatherSamples, type Batch, type BatchOptions } from './batches.js';
export { augmentBatch, type AugmentOptions } from './augment.js';
export { defaultDataDir, downloadFile, ensureOfficialArchive, OFFICIAL_ARCHIVES } from './download.js';
