/**
 * Mini-batches of a split: a seeded shuffled order (or file order), optional `limit` (first N
 * samples of the split), optional augmentation, and the dataset indices of each batch (the
 * selection strategies and Figure 8's snapshots need them).
 */
import { tf } from '../tf.js';
import type { Rng } from '../rng.js';
import type { DatasetSplit } from './dataset.js';
import { augmentBatch, type AugmentOptions, type AugmentShape } from './augment.js';

export interface Batch {
  /** [B, H, W, C] float32 in [0, 1] */
  x: tf.Tensor4D;
  /** [B] int32 labels */
  y: tf.Tensor1D;
  /** [B] indices into the split */
  indices: Int32Array;
  /** The host values x was built from, [B*H*W*C] (read without a round trip to the backend). */
  pixels: Float32Array;
}

export interface BatchOptions {
  batchSize: number;
  /** Draws the order (when shuffling) and the augmentation; required for either. */
  rng?: Rng;
  /** Default true (needs rng); false keeps the split's order (evaluation). */
  shuffle?: boolean;
  /** Use only the first N samples of the split. */
  limit?: number | null;
  /** Drop a last incomplete batch. Default false. */
  dropLast?: boolean;
  /** null/undefined: no augmentation. */
  augment?: AugmentOptions | null;
}

/** The sample order of one epoch: [0, n) shuffled with the rng, or in order. */
export function epochOrder(count: number, rng: Rng | undefined, shuffle: boolean): Int32Array {
  const order = Int32Array.from({ length: count }, (_, i) => i);
  if (shuffle) {
    if (!rng) throw new Error('epochOrder: shuffle needs an rng');
    rng.shuffle(order);
  }
  return order;
}

/** Copies the samples at `indices` into contiguous arrays. */
export function gatherSamples(split: DatasetSplit, shape: AugmentShape, indices: ArrayLike<number>): { images: Float32Array; labels: Int32Array } {
  const size = shape.height * shape.width * shape.channels;
  const images = new Float32Array(indices.length * size);
  const labels = new Int32Array(indices.length);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    if (!(i >= 0 && i < split.count)) throw new Error(`gatherSamples: index ${i} outside the split's ${split.count} samples`);
    images.set(split.images.subarray(i * size, (i + 1) * size), k * size);
    labels[k] = split.labels[i];
  }
  return { images, labels };
}

export function numBatches(count: number, o: Pick<BatchOptions, 'batchSize' | 'limit' | 'dropLast'>): number {
  const n = o.limit != null ? Math.min(o.limit, count) : count;
  return o.dropLast ? Math.floor(n / o.batchSize) : Math.ceil(n / o.batchSize);
}

/**
 * One epoch of batches. The order is drawn when this is called; augmentation draws from the rng
 * as each batch is produced. The caller owns (and disposes) each batch's x and y.
 */
export function* batches(split: DatasetSplit, shape: AugmentShape, o: BatchOptions): Generator<Batch> {
  if (!Number.isInteger(o.batchSize) || o.batchSize < 1) throw new Error(`batches: batchSize must be a positive integer, got ${JSON.stringify(o.batchSize)}`);
  if (o.limit != null && (!Number.isInteger(o.limit) || o.limit < 1)) throw new Error(`batches: limit must be a positive integer, got ${JSON.stringify(o.limit)}`);
  const n = o.limit != null ? Math.min(o.limit, split.count) : split.count;
  if (o.augment && !o.rng) throw new Error('batches: augmentation needs an rng');
  const order = epochOrder(n, o.rng, o.shuffle ?? true);
  const total = numBatches(n, o);
  for (let b = 0; b < total; b++) {
    const indices = order.slice(b * o.batchSize, Math.min(n, (b + 1) * o.batchSize));
    const { images, labels } = gatherSamples(split, shape, indices);
    const pixels = o.augment ? augmentBatch(images, indices.length, shape, o.rng as Rng, o.augment) : images;
    yield {
      x: tf.tensor4d(pixels, [indices.length, shape.height, shape.width, shape.channels], 'float32'),
      y: tf.tensor1d(labels, 'int32'),
      indices,
      pixels,
    };
  }
}
