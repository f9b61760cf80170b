/**
 * Figure 8: a fixed set of query anchors (training indices) whose selected positives and negatives
 * are recorded at chosen epochs.
 */
import type { SelectionSnapshot } from './types.js';

/** `k` anchors spread evenly over the first `n` training samples (no random draw: stable across runs). */
export function queryAnchorIndices(k: number, n: number): number[] {
  const m = Math.min(k, n);
  return Array.from({ length: m }, (_, j) => Math.floor((j * n) / m));
}

/** The epochs to record (1-based): the configured ones, or first, middle and last. */
export function selectionEpochs(configured: readonly number[], epochs: number): Set<number> {
  if (configured.length > 0) return new Set(configured);
  return new Set([1, Math.ceil(epochs / 2), epochs]);
}

/**
 * Snapshots of the anchors present in a batch, from the masks [2B, 2B] (rows 0..B-1 benign): the
 * anchor's benign row, columns mapped back to training indices and marked adversarial for j >= B.
 */
export function snapshotsFromMasks(
  epoch: number, anchors: ReadonlySet<number>, indices: Int32Array, labels: ArrayLike<number>,
  positive: Float32Array, negative: Float32Array, n: number,
): SelectionSnapshot[] {
  const b = n / 2;
  const out: SelectionSnapshot[] = [];
  for (let row = 0; row < b; row++) {
    if (!anchors.has(indices[row])) continue;
    const pick = (m: Float32Array) => {
      const members: SelectionSnapshot['positives'] = [];
      for (let j = 0; j < n; j++) if (m[row * n + j] > 0) members.push({ index: indices[j % b], adversarial: j >= b });
      return members;
    };
    out.push({ epoch, anchorIndex: indices[row], anchorLabel: labels[row], positives: pick(positive), negatives: pick(negative) });
  }
  return out;
}
