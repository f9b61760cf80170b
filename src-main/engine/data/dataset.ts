import type { DatasetName } from '../../shared/options.js';

/** One split of a dataset: NHWC float32 images in [0, 1] and integer labels. */
export interface DatasetSplit {
  /** [count, height, width, channels], row-major NHWC, values in [0, 1]. */
  images: Float32Array;
  /** [count] class indices in [0, numClasses). */
  labels: Int32Array;
  count: number;
}

export interface Dataset {
  name: DatasetName;
  height: number;
  width: number;
  channels: number;
  numClasses: number;
  classNames: string[];
  train: DatasetSplit;
  test: DatasetSplit;
  /** Human-readable provenance (folder, files used, batches missing). */
  source: string;
  /** Things the user should know (e.g. missing training batches); empty when none. */
  warnings?: string[];
}

export interface DatasetLoadOptions {
  /** Folder with the dataset's files; null = the application's data folder. */
  dataDir?: string | null;
  /** Keep only the first N training samples. */
  limit?: number | null;
  /** Seed for generated data (synthetic). */
  seed?: number;
  /** Progress of a download of the official archive (dataDir null and no local copy). */
  onDownloadProgress?: (p: DownloadProgress) => void;
}

export interface DownloadProgress {
  file: string;
  receivedBytes: number;
  /** null when the server does not announce a length. */
  totalBytes: number | null;
}

/** One dataset per file, registered by name in ./index.ts. */
export interface DatasetLoader {
  name: DatasetName;
  load(options: DatasetLoadOptions): Promise<Dataset>;
}

/** Bad or missing dataset files: the message names the file and what to do. */
export class DatasetError extends Error {
  override name = 'DatasetError';
}
