/**
 * A small deterministic synthetic dataset for fast tests and smoke runs: each class is an
 * oriented sinusoidal grating with its own colour, frequency and phase jitter, plus pixel noise.
 * A small CNN separates the classes within one epoch, yet they are not trivially separable by
 * mean colour alone (colours of neighbouring classes overlap).
 */
import { Rng } from '../rng.js';
import { DatasetError, type Dataset, type DatasetSplit } from './dataset.js';

export interface SyntheticOptions {
  seed?: number;
  trainCount?: number;
  testCount?: number;
  height?: number;
  width?: number;
  channels?: number;
  numClasses?: number;
  /** Standard deviation-like amplitude of the uniform pixel noise. */
  noise?: number;
}

/** Defaults of `loadDataset('synthetic')`: CIFAR-shaped, small. */
export const SYNTHETIC_DEFAULTS = {
  seed: 0, trainCount: 2000, testCount: 500, height: 32, width: 32, channels: 3, numClasses: 10, noise: 0.15,
} as const;

interface ClassPattern {
  colour: number[]; // [C] in [0.2, 0.8]
  angle: number;    // grating orientation, radians
  frequency: number; // cycles per image
}

function classPatterns(rng: Rng, numClasses: number, channels: number): ClassPattern[] {
  const patterns: ClassPattern[] = [];
  for (let k = 0; k < numClasses; k++) {
    const colour = Array.from({ length: channels }, () => 0.2 + 0.6 * rng.next());
    // Evenly spread orientations (over pi) with two frequency bands, so every class differs in shape.
    patterns.push({ colour, angle: (Math.PI * k) / numClasses, frequency: 2 + (k % 2) * 2 + rng.next() });
  }
  return patterns;
}

function makeSplit(rng: Rng, patterns: ClassPattern[], count: number, h: number, w: number, c: number, noise: number): DatasetSplit {
  const k = patterns.length;
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) labels[i] = i % k; // balanced, then shuffled
  rng.shuffle(labels);
  const images = new Float32Array(count * h * w * c);
  let o = 0;
  for (let i = 0; i < count; i++) {
    const p = patterns[labels[i]];
    const phase = 2 * Math.PI * rng.next();
    const contrast = 0.25 + 0.1 * rng.next();
    const ca = Math.cos(p.angle), sa = Math.sin(p.angle);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const t = (ca * x / w + sa * y / h) * p.frequency * 2 * Math.PI + phase;
        const g = contrast * Math.sin(t);
        for (let ch = 0; ch < c; ch++) {
          const v = p.colour[ch] + g + noise * (2 * rng.next() - 1);
          images[o++] = v < 0 ? 0 : v > 1 ? 1 : v;
        }
      }
    }
  }
  return { images, labels, count };
}

/** Builds the synthetic dataset; the same options always give the same arrays. */
export function createSyntheticDataset(options: SyntheticOptions = {}): Dataset {
  const o = { ...SYNTHETIC_DEFAULTS, ...options };
  for (const key of ['trainCount', 'testCount', 'height', 'width', 'channels', 'numClasses'] as const) {
    if (!Number.isInteger(o[key]) || o[key] < 1) {
      throw new DatasetError(`createSyntheticDataset: ${key} must be a positive integer, got ${JSON.stringify(o[key])}`);
    }
  }
  const rng = new Rng(o.seed);
  const patterns = classPatterns(rng, o.numClasses, o.channels);
  const train = makeSplit(rng, patterns, o.trainCount, o.height, o.width, o.channels, o.noise);
  const test = makeSplit(rng, patterns, o.testCount, o.height, o.width, o.channels, o.noise);
  return {
    name: 'synthetic',
    height: o.height, width: o.width, channels: o.channels, numClasses: o.numClasses,
    classNames: patterns.map((_, i) => `class${i}`),
    train, test,
    source: `synthetic (seed ${o.seed}, ${o.trainCount} train / ${o.testCount} test, ${o.height}x${o.width}x${o.channels})`,
  };
}
