/**
 * The SHA-256 of a dataset as a run trains on it (train and test images and labels after `limit`, with the
 * shape): recorded with every run, so a worker on another host whose data folder holds other files (another
 * CIFAR download, a truncated batch) is refused instead of silently training on different data.
 */
import crypto from 'node:crypto';
import type { Dataset } from '../engine/data/dataset.js';

export function datasetFingerprint(d: Dataset): string {
  const h = crypto.createHash('sha256');
  h.update(JSON.stringify({ name: d.name, height: d.height, width: d.width, channels: d.channels, numClasses: d.numClasses, train: d.train.count, test: d.test.count }));
  for (const split of [d.train, d.test]) {
    h.update(new Uint8Array(split.images.buffer, split.images.byteOffset, split.images.byteLength));
    h.update(new Uint8Array(split.labels.buffer, split.labels.byteOffset, split.labels.byteLength));
  }
  return h.digest('hex');
}

/** The failure of a run whose data differs from the data it started with. */
export function fingerprintMismatch(runId: string, stored: string, got: string): string {
  return `train: the dataset differs from the one run ${runId} started with (dataset fingerprint ${got}, recorded ${stored}); ` +
    'use the same data folder (same files, same limit) as the first start, or start a new run';
}
