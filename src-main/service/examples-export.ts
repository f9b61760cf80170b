/**
 * Per-example CSV (`ascl export RUN --examples FILE.csv`): one row per (evaluation, image index) of
 * the runs' stored evaluations, from the per-example data stored with each evaluation (store
 * migration v6). Empty cells: not recorded for that evaluation (rows stored before v6, or
 * `smallestBreakingEps` of an evaluation that is not a point of an eps grid); for a grid point,
 * an empty `smallestBreakingEps` beside `gridId` means robust at every eps of the grid.
 * `breakingIteration` (store migration v7): the total attack iterations (run * steps + iteration) of the
 * iteration checkpoint from which the image stays broken, 0 for a clean-misclassified image; empty where
 * the image stayed robust or the per-iteration record was not kept (older rows, AutoAttack, eps grids).
 */
import { stringify } from 'csv-stringify/sync';
import type { Store } from '../store/store.js';

export const EXAMPLES_HEADER = ['runId', 'evalId', 'attack', 'eps', 'gridId', 'index', 'label', 'cleanCorrect', 'robust', 'smallestBreakingEps',
  'breakingIteration'] as const;

export function examplesCsv(store: Store, runIds: readonly string[]): { csv: string; rows: number } {
  const out: Array<Array<string | number>> = [];
  for (const runId of runIds) {
    for (const e of store.evaluations(runId)) {
      const x = store.evaluationExamples(e.id);
      if (!x?.outcomes) continue;
      const gridId = e.protocol?.grid?.id ?? '';
      for (let i = 0; i < x.outcomes.length; i++) {
        const breaking = x.breakingEps ? x.breakingEps[i] : null;
        const it = x.breakingIteration ? x.breakingIteration[i] : null;
        out.push([runId, e.id, e.attack, e.eps, gridId, i, x.labels ? x.labels[i] : '', x.cleanCorrect ? x.cleanCorrect[i] : '', x.outcomes[i],
          breaking === null ? '' : breaking, it === null ? '' : it]);
      }
    }
  }
  return { csv: stringify([[...EXAMPLES_HEADER], ...out]), rows: out.length };
}
