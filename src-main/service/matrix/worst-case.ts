/**
 * The worst case over attacks, per example: image i counts as robust only if every attack
 * evaluated on it left it robust (outcome 1 = correct on the clean image and on the attack's
 * adversarial example). Evaluations of the first n_j test images share their first m = min_j n_j
 * images, so the fraction is taken over those m:
 *   worst = (1 / m) sum_{i < m} prod_j outcome_j[i].
 * It is at most the smallest column (over the same m images) and smaller whenever the attacks
 * break different images; the minimum of the columns is not this figure.
 */

export interface WorstCaseResult {
  /** Fraction of the m common images robust to every attack. */
  robustAccuracy: number;
  /** m: the images every evaluation covers (the first m of the test split). */
  images: number;
  /** sum_{i < m} prod_j outcome_j[i]. */
  robustCount: number;
}

/** outcomes: one per attack, per image 1 = robust, 0 = broken; each covers the first n_j images of the same split. */
export function worstCasePerExample(outcomes: readonly Uint8Array[]): WorstCaseResult {
  if (outcomes.length === 0) throw new Error('worstCasePerExample: needs the per-image outcomes of at least one attack');
  const m = Math.min(...outcomes.map((o) => o.length));
  if (m === 0) throw new Error(`worstCasePerExample: an evaluation holds no images (lengths ${outcomes.map((o) => o.length).join(', ')})`);
  let robustCount = 0;
  for (let i = 0; i < m; i++) {
    let robust = true;
    for (const o of outcomes) {
      if (o[i] !== 0 && o[i] !== 1) throw new Error(`worstCasePerExample: outcome of image ${i} is ${o[i]}, not 0 or 1`);
      if (o[i] === 0) robust = false;
    }
    if (robust) robustCount++;
  }
  return { robustAccuracy: robustCount / m, images: m, robustCount };
}
