/**
 * The official CIFAR binary format (https://www.cs.toronto.edu/~kriz/cifar.html): fixed-size
 * records of label byte(s) then 3072 pixel bytes (1024 red, 1024 green, 1024 blue, each 32x32
 * row-major). CIFAR-10: 1 label byte; CIFAR-100: coarse then fine label byte (we use fine).
 */
import { DatasetError } from './dataset.js';

export interface CifarSpec {
  name: 'cifar10' | 'cifar100';
  title: string;
  /** Folder inside the official archive. */
  folder: string;
  trainFiles: string[];
  /** Records per training file, in trainFiles order. */
  trainRecords: number[];
  testFile: string;
  testRecords: number;
  labelBytes: number;
  /** Offset of the label used (CIFAR-100: the fine label). */
  labelOffset: number;
  numClasses: number;
  classNamesFile: string;
}

export const PIXELS = 32 * 32 * 3;

export const CIFAR10: CifarSpec = {
  name: 'cifar10', title: 'CIFAR-10', folder: 'cifar-10-batches-bin',
  trainFiles: [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`), trainRecords: [10000, 10000, 10000, 10000, 10000],
  testFile: 'test_batch.bin', testRecords: 10000, labelBytes: 1, labelOffset: 0, numClasses: 10,
  classNamesFile: 'batches.meta.txt',
};

export const CIFAR100: CifarSpec = {
  name: 'cifar100', title: 'CIFAR-100', folder: 'cifar-100-binary',
  trainFiles: ['train.bin'], trainRecords: [50000], testFile: 'test.bin', testRecords: 10000,
  labelBytes: 2, labelOffset: 1, numClasses: 100, classNamesFile: 'fine_label_names.txt',
};

export const CIFAR10_CLASS_NAMES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

/**
 * Checks a batch file's size (record size CIFAR-10 vs -100, truncation, record count) and returns its
 * number of records: the official count, or fewer whole records for a subset in file order (the
 * loader reports subsets as warnings; a file cut inside a record is truncated).
 */
export function checkCifarBatchSize(spec: CifarSpec, buf: Uint8Array, expectedRecords: number, file: string): number {
  const record = spec.labelBytes + PIXELS;
  const expectedBytes = expectedRecords * record;
  if (buf.length > 0 && buf.length < expectedBytes && buf.length % record === 0) return buf.length / record;
  if (buf.length !== expectedBytes) {
    const other = spec.labelBytes === 1 ? 2 + PIXELS : 1 + PIXELS;
    let why: string;
    if (buf.length === 0) why = 'the file is empty';
    else if (buf.length % record !== 0 && buf.length % other === 0) {
      why = `its size fits ${other}-byte records: this looks like ${spec.labelBytes === 1 ? 'CIFAR-100' : 'CIFAR-10'}, not ${spec.title}`;
    } else if (buf.length < expectedBytes) why = `truncated: ${buf.length} bytes of ${expectedBytes} (${Math.floor(buf.length / record)} whole records)`;
    else why = `wrong size: ${buf.length} bytes`;
    throw new DatasetError(
      `decodeCifarBatch: ${file}: ${why}; the official ${spec.title} file has ${expectedRecords} records of ${record} bytes ` +
        `(${expectedBytes} bytes). Download the binary version of ${spec.title} again.`,
    );
  }
  return expectedRecords;
}

/**
 * Validates one batch file and decodes it into `images` (NHWC, /255) and `labels` at sample
 * offset `at`. Checks the size (the official `expectedRecords`, or a whole-record subset) and every label.
 */
export function decodeCifarBatch(spec: CifarSpec, buf: Uint8Array, expectedRecords: number, file: string,
  images: Float32Array, labels: Int32Array, at: number): void {
  const records = checkCifarBatchSize(spec, buf, expectedRecords, file);
  const record = spec.labelBytes + PIXELS;
  const scale = 1 / 255;
  for (let r = 0; r < records; r++) {
    const base = r * record;
    const label = buf[base + spec.labelOffset];
    if (label >= spec.numClasses) {
      throw new DatasetError(`decodeCifarBatch: ${file}: record ${r} has label ${label}, outside [0, ${spec.numClasses}); not a ${spec.title} binary file`);
    }
    labels[at + r] = label;
    const px = base + spec.labelBytes;
    let o = (at + r) * PIXELS;
    // CHW planes -> HWC interleaved
    for (let i = 0; i < 1024; i++) {
      images[o++] = buf[px + i] * scale;
      images[o++] = buf[px + 1024 + i] * scale;
      images[o++] = buf[px + 2048 + i] * scale;
    }
  }
}
