/**
 * evals:matrix: the attack x defence matrix of the listed runs (./../matrix/): each run's row at
 * the requested eps, or else at the run's own attack budget (its eps, or the dataset's).
 */
import { ApiError } from '../../api/dispatch.js';
import type { ApiHandlers } from '../../shared/channels.js';
import { attackBudget, fractionNumber } from '../../shared/run-config.js';
import { requireConfig, requireRun, type ServiceContext } from '../context.js';
import { attackMatrix } from '../matrix/attack-matrix.js';
import { runRow } from '../matrix/run-row.js';

export function matrixHandlers(ctx: ServiceContext): Pick<ApiHandlers, 'evals:matrix'> {
  const { store } = ctx;
  return {
    async 'evals:matrix'(req) {
      let eps: number | null = null;
      if (req.eps !== undefined) {
        const v = fractionNumber.safeParse(req.eps);
        if (!v.success || !(v.data >= 0 && v.data <= 1)) throw new ApiError('bad-request', `evals:matrix: eps must be a number in [0, 1] or a fraction like 8/255 (got ${JSON.stringify(req.eps)})`);
        eps = v.data;
      }
      const inputs = req.runIds.map((id) => {
        const run = requireRun(ctx, id);
        const config = requireConfig(run, 'evals:matrix');
        const row = runRow(config.dataset, eps ?? attackBudget(config).eps, store.evaluationsDetailed(id), (evalId) => store.evaluationOutcomes(evalId));
        return { run, row };
      });
      return attackMatrix(inputs, req.rows);
    },
  };
}
