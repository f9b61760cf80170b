/**
 * L_SCL against the authors' implementation (`soft_lcscl`, float64) on every case of
 * test/fixtures/golden/scl_loss.json (or the file named by ASCL_GOLDEN_SCL), for every selection
 * strategy. The golden values are the code's reading: mean over the 2b anchors (`sclReduction:
 * anchor-mean`) and every row keyed on its own prediction (`adversarialAnchorKey: code`); eq. 3's
 * reduction is checked against the same cases as exactly twice that mean.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { tf } from '../../src-main/engine/tf.js';
import '@tensorflow/tfjs-backend-cpu';
import { DISTANCES } from '../../src-main/shared/options.js';
import { getSelection } from '../../src-main/engine/selection/index.js';
import { selectionCounts, supervisedContrastiveLoss } from '../../src-main/engine/objectives/supervised-contrastive.js';
import { GOLDEN_SCL_FILE } from '../fixtures/paths.js';

const GoldenCase = z.object({
  latent: z.array(z.array(z.number())),
  labels: z.array(z.number().int()),
  preds: z.array(z.number().int()),
  numClasses: z.number().int(),
  distance: z.enum(DISTANCES),
  normalize: z.boolean(),
  temperature: z.number().positive(),
  expected: z.object({ global: z.number(), hard: z.number(), soft: z.number(), leaked: z.number(), leaked_paper: z.number() }),
  leakedPaperCounts: z.object({ positives: z.array(z.number()), negatives: z.array(z.number()) }),
});
const GoldenFile = z.object({ cases: z.array(GoldenCase).min(1) });

const path = process.env.ASCL_GOLDEN_SCL ?? GOLDEN_SCL_FILE;
const golden = GoldenFile.parse(JSON.parse(readFileSync(path, 'utf8')));

type Variant = 'global' | 'hard' | 'soft' | 'leaked' | 'leaked_paper';
const VARIANTS: Array<{ key: Variant; strategy: string; counterpart: 'paper' | 'code' }> = [
  { key: 'global', strategy: 'global', counterpart: 'paper' },
  { key: 'hard', strategy: 'hard', counterpart: 'paper' },
  { key: 'soft', strategy: 'soft', counterpart: 'paper' },
  { key: 'leaked', strategy: 'leaked', counterpart: 'code' },
  { key: 'leaked_paper', strategy: 'leaked', counterpart: 'paper' },
];

const rows = golden.cases.flatMap((c, index) => VARIANTS.map((v) => ({
  index, variant: v.key, strategy: v.strategy, counterpart: v.counterpart,
  distance: c.distance, normalize: c.normalize, tau: c.temperature, b: c.labels.length, c,
})));

function masksOf(c: z.infer<typeof GoldenCase>, strategy: string, counterpart: 'paper' | 'code') {
  const labels = tf.tensor1d([...c.labels, ...c.labels], 'int32');
  const preds = tf.tensor1d(c.preds, 'int32');
  const m = getSelection(strategy).masks({ labels, preds, leakedCounterpart: counterpart, adversarialAnchorKey: 'code' });
  labels.dispose(); preds.dispose();
  return m;
}

const rowSums = (m: tf.Tensor2D): number[] => tf.tidy(() => Array.from(tf.sum(m, 1).dataSync()));

describe(`golden L_SCL (${path})`, () => {
  beforeAll(async () => { await tf.setBackend('cpu'); });

  it.each(rows)('case $index: $variant ($distance, normalize=$normalize, tau=$tau, B=$b) matches to 1e-4 relative (anchor-mean; eq3 = 2 x golden)',
    ({ c, variant, strategy, counterpart }) => {
      const before = tf.memory().numTensors;
      const loss = tf.tidy(() => {
        const m = masksOf(c, strategy, counterpart);
        const z = tf.tensor2d(c.latent, undefined, 'float32');
        const o = { distance: c.distance, normalize: c.normalize, tau: c.temperature };
        return tf.stack([supervisedContrastiveLoss(z, m, { ...o, reduction: 'anchor-mean' }), supervisedContrastiveLoss(z, m, { ...o, reduction: 'eq3' })]);
      });
      const [value, eq3] = Array.from(loss.dataSync());
      loss.dispose();
      const expected = c.expected[variant];
      expect(Number.isFinite(value)).toBe(true);
      expect(Math.abs(value - expected)).toBeLessThanOrEqual(1e-4 * Math.max(Math.abs(expected), 1e-6));
      // eq. 3: (1/N) sum_i (L_i + L_i^a) over the N = b pairs = 2 x the mean over the 2b anchors
      expect(Math.abs(eq3 - 2 * expected)).toBeLessThanOrEqual(2e-4 * Math.max(Math.abs(expected), 1e-6));
      expect(tf.memory().numTensors).toBe(before);
    });

  it.each(golden.cases.map((c, index) => ({ index, b: c.labels.length, c })))(
    'case $index (B=$b): leaked (paper) per-anchor positive/negative counts and their benign/adversarial split',
    ({ c }) => {
      const m = masksOf(c, 'leaked', 'paper');
      expect(rowSums(m.positive)).toEqual(c.leakedPaperCounts.positives);
      expect(rowSums(m.negative)).toEqual(c.leakedPaperCounts.negatives);
      // Figure 3 counts: mean over anchors, benign + adversarial members add up to the totals.
      const counts = Array.from(selectionCounts(m).dataSync());
      const mean = (a: number[]) => a.reduce((s, x) => s + x, 0) / a.length;
      expect(counts[0] + counts[1]).toBeCloseTo(mean(c.leakedPaperCounts.positives), 5);
      expect(counts[2] + counts[3]).toBeCloseTo(mean(c.leakedPaperCounts.negatives), 5);
      m.positive.dispose(); m.negative.dispose();
    });
});
