/** Metric series of a run: epoch rows, the stored step terms, decimated step series, selection snapshots. */
import type { ApiHandlers } from '../../shared/channels.js';
import { requireRun, type ServiceContext } from '../context.js';

type MetricHandlers = Pick<ApiHandlers, 'metrics:epochs' | 'metrics:terms' | 'metrics:steps' | 'selection:snapshots'>;

export function metricHandlers(ctx: ServiceContext): MetricHandlers {
  const { store } = ctx;
  return {
    async 'metrics:epochs'(req) { requireRun(ctx, req.runId); return store.epochs(req.runId); },
    async 'metrics:terms'(req) { requireRun(ctx, req.runId); return store.stepTerms(req.runId); },
    async 'metrics:steps'(req) {
      requireRun(ctx, req.runId);
      return { term: req.term, points: store.stepSeries(req.runId, req.term, req.maxPoints) };
    },
    async 'selection:snapshots'(req) { requireRun(ctx, req.runId); return store.selections(req.runId); },
  };
}
