/**
 * The time a run would take, before it is started (runs:estimate), in closed form.
 *
 * From history: every stored epoch of the earlier completed runs in the store with the same
 * model, dataset, backend, batch size and training-attack steps (0 for `nat`, which runs no
 * attack) gives s_e = seconds_e / N_e, its seconds per training sample (N_e: that run's training
 * samples per epoch, min(limit, training-set size)). With m the median of the pooled s_e,
 *   secondsPerEpoch = m x N,   totalSeconds = secondsPerEpoch x epochs   (N: the new run's samples),
 *   uncertainty = max(HISTORY_MIN_UNCERTAINTY, (q75 - q25) / (2 m))   (type-7 quantiles of s_e).
 * An epoch's seconds include its monitoring evaluation (evalSubset images), which does not grow
 * with N; the per-sample model puts it on N, so runs with very different limits weigh it differently.
 * Runs trained side by side (one per worker) shared the cores, and their times say so.
 *
 * From a calibration (calibrate-worker.ts): the real configuration trained for CALIBRATION_STEPS
 * steps, the first a warm-up, the rest timed (t_i), then one monitoring pass over e images timed (t_eval):
 *   secondsPerEpoch = S x median(t_i) + t_eval x n_eval / e,
 *   S = steps per epoch (ceil(N / B), or floor when one sample would be left over), n_eval = min(evalSubset, test-set size),
 *   uncertainty = max(CALIBRATION_MIN_UNCERTAINTY, (max t_i - min t_i) / (2 median t_i)).
 */
import type { RunEstimate } from '../shared/channels.js';
import type { DatasetName } from '../shared/options.js';
import type { RunConfig } from '../shared/run-config.js';
import type { EpochRecord, RunRecord } from '../store/rows.js';

/** Training-set sizes of the datasets as loaded (engine/data): CIFAR's 5 x 10000, MNIST's 80% per digit of the `mnist` package, synthetic's default. */
export const TRAIN_SET_SIZE: Readonly<Record<DatasetName, number>> = { cifar10: 50_000, cifar100: 50_000, mnist: 7996, synthetic: 2000 };

/** Steps of a calibration: one warm-up, then the timed ones. */
export const CALIBRATION_STEPS = 3;
/** The floor of a calibration's uncertainty: 2 timed steps do not see the machine's load changing. */
export const CALIBRATION_MIN_UNCERTAINTY = 0.25;
/** The floor of a history estimate's uncertainty (load, other processes, a different subset). */
export const HISTORY_MIN_UNCERTAINTY = 0.1;

/** Training samples per epoch of a configuration (trainer.ts: min(limit, training-set size)). */
export function samplesPerEpoch(config: RunConfig, trainSetSize: number = TRAIN_SET_SIZE[config.dataset]): number {
  return Math.min(config.limit ?? trainSetSize, trainSetSize);
}

/** Training steps per epoch (trainer.ts: the last batch is dropped when it would hold one sample). */
export function stepsPerEpoch(n: number, batchSize: number): number {
  return n % batchSize === 1 ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
}

/** Steps of the training attack: the cost that scales a step (nat runs none). */
export function attackSteps(config: RunConfig): number {
  return config.defense === 'nat' ? 0 : config.pgdSteps;
}

/** Type-7 quantile (linear between order statistics) of sorted values. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new Error('quantile: no values');
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

export interface HistoryRun { run: RunRecord; epochs: EpochRecord[] }

/**
 * Whether an earlier run counts for this configuration and backend. The store is this machine's (the
 * application folder); a finished run keeps no owner host, so runs of a store shared across machines count too.
 */
export function comparable(r: RunRecord, config: RunConfig, backend: string): boolean {
  const c = r.config;
  return r.status === 'completed' && r.damage === null && r.backend === backend &&
    c.model === config.model && c.dataset === config.dataset && c.batchSize === config.batchSize && attackSteps(c) === attackSteps(config);
}

/** The history estimate, or null when no stored epoch of a comparable run has a positive time. */
export function historyEstimate(config: RunConfig, history: readonly HistoryRun[], backend: string): RunEstimate | null {
  const perSample: number[] = [];
  const used = new Set<string>();
  for (const { run, epochs } of history) {
    const n = samplesPerEpoch(run.config);
    for (const e of epochs) {
      if (!(e.seconds > 0) || !Number.isFinite(e.seconds)) continue;
      perSample.push(e.seconds / n);
      used.add(run.id);
    }
  }
  if (perSample.length === 0) return null;
  perSample.sort((a, b) => a - b);
  const m = quantile(perSample, 0.5);
  const secondsPerEpoch = m * samplesPerEpoch(config);
  const spread = (quantile(perSample, 0.75) - quantile(perSample, 0.25)) / (2 * m);
  return {
    secondsPerEpoch, totalSeconds: secondsPerEpoch * config.epochs, source: 'history', backend, epochs: config.epochs,
    uncertainty: Math.max(HISTORY_MIN_UNCERTAINTY, spread),
    basis: `median ${(m * 1000).toFixed(3)} ms per training sample over ${perSample.length} epoch(s) of ${used.size} earlier run(s) in this store ` +
      `(${config.model}, ${config.dataset}, ${backend}, batch ${config.batchSize}, ${attackSteps(config)} attack steps), times ${samplesPerEpoch(config)} samples per epoch`,
  };
}

/** What a calibration measured (calibrate-worker.ts). */
export interface CalibrationOutcome {
  backend: string;
  /** Training samples per epoch of the real configuration, and its test-set size. */
  trainCount: number;
  testCount: number;
  /** Seconds of each timed step (after the warm-up). */
  stepSeconds: number[];
  /** Seconds of the monitoring pass over evalImages test images. */
  evalSeconds: number;
  evalImages: number;
}

export function calibrationEstimate(config: RunConfig, c: CalibrationOutcome): RunEstimate {
  if (c.stepSeconds.length === 0 || c.stepSeconds.some((t) => !(t > 0) || !Number.isFinite(t))) {
    throw new Error(`calibrationEstimate: need positive step times, got ${JSON.stringify(c.stepSeconds)}`);
  }
  if (!(c.evalImages >= 1) || !(c.evalSeconds >= 0)) throw new Error(`calibrationEstimate: bad monitoring time ${c.evalSeconds} s for ${c.evalImages} images`);
  const sorted = [...c.stepSeconds].sort((a, b) => a - b);
  const step = quantile(sorted, 0.5);
  const steps = stepsPerEpoch(c.trainCount, config.batchSize);
  const nEval = Math.min(config.evalSubset, c.testCount);
  const evalSeconds = c.evalSeconds * (nEval / c.evalImages);
  const secondsPerEpoch = steps * step + evalSeconds;
  return {
    secondsPerEpoch, totalSeconds: secondsPerEpoch * config.epochs, source: 'calibration', backend: c.backend, epochs: config.epochs,
    uncertainty: Math.max(CALIBRATION_MIN_UNCERTAINTY, (sorted[sorted.length - 1] - sorted[0]) / (2 * step)),
    basis: `calibration on ${c.backend}: ${c.stepSeconds.length} timed training step(s) after a warm-up, median ${step.toFixed(3)} s x ${steps} steps per epoch, ` +
      `plus the monitoring pass (${c.evalSeconds.toFixed(2)} s on ${c.evalImages} images, scaled to ${nEval})`,
  };
}
