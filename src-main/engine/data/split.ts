import { DatasetError, type Dataset, type DatasetSplit } from './dataset.js';

/** The first n samples of a split (views, no copy); n >= count returns the split itself. */
export function takeFirst(split: DatasetSplit, n: number, sampleSize: number): DatasetSplit {
  if (!Number.isInteger(n) || n < 1) throw new DatasetError(`takeFirst: limit must be a positive integer, got ${JSON.stringify(n)}`);
  if (n >= split.count) return split;
  return { images: split.images.subarray(0, n * sampleSize), labels: split.labels.subarray(0, n), count: n };
}

/** Values per sample: height * width * channels. */
export function sampleSize(d: Pick<Dataset, 'height' | 'width' | 'channels'>): number {
  return d.height * d.width * d.channels;
}

/** Keeps only the first `limit` training samples (the `--limit N` of a run); the test split is untouched. */
export function limitTrain(d: Dataset, limit: number | null | undefined): Dataset {
  if (limit === null || limit === undefined || limit >= d.train.count) return d;
  return { ...d, train: takeFirst(d.train, limit, sampleSize(d)), source: `${d.source}; first ${limit} training samples` };
}
