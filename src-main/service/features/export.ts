/**
 * Exports and comparisons: the compare table (Tables 3/4) and CSV files. A run with a damaged
 * stored value is left out of a CSV with a problem naming it; the others are exported.
 */
import type { ApiHandlers } from '../../shared/channels.js';
import { requireRun, type ServiceContext } from '../context.js';
import { compareTable } from '../compare.js';
import { exportCsv } from '../csv-export.js';

type ExportHandlers = Pick<ApiHandlers, 'compare:table' | 'export:csv'>;

export function exportHandlers(ctx: ServiceContext): ExportHandlers {
  const { store } = ctx;
  return {
    async 'compare:table'(req) { return compareTable(store, req.runIds.map((id) => requireRun(ctx, id)), req.summary); },
    async 'export:csv'(req) { return exportCsv(store, req.runIds.map((id) => requireRun(ctx, id)), req.what); },
  };
}
