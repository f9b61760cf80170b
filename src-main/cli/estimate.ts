/**
 * `ascl train --dry-run`: the configuration checked and the time it would take (runs:estimate),
 * nothing stored. Earlier runs are read from the store where it exists (opened read-only);
 * without a store the estimate is a calibration.
 */
import fs from 'node:fs';
import type { ApiParsedRequest, RunEstimate } from '../shared/channels.js';
import type { RunConfig } from '../shared/run-config.js';
import { dispatch } from '../api/dispatch.js';
import { createAppService } from '../service/app-service.js';
import { estimator } from '../service/features/estimate.js';
import { dbPathOf, formatDuration, jsonLine } from './common.js';

export async function estimateFor(request: ApiParsedRequest<'runs:start'>, config: RunConfig, db: string | undefined): Promise<RunEstimate> {
  const file = dbPathOf({ db });
  if (!fs.existsSync(file)) return estimator({ store: null, backend: config.backend, lastBackend: () => null })(config);
  const service = await createAppService({ dbPath: file, workers: 1, readonly: true, backend: config.backend });
  try {
    return (await dispatch(service, 'runs:estimate', { preset: request.preset, config: request.config })) as RunEstimate;
  } finally {
    await service.close();
  }
}

/** One line a person reads: per epoch, in total, the source and its uncertainty, then what it rests on. */
export function estimateText(e: RunEstimate): string {
  return `estimate: ${formatDuration(e.secondsPerEpoch)} per epoch, ${formatDuration(e.totalSeconds)} for ${e.epochs} epoch(s) ` +
    `(± ${Math.round(e.uncertainty * 100)}%, from ${e.source === 'history' ? 'earlier runs' : 'a calibration'}${e.backend ? `, backend ${e.backend}` : ''})\n` +
    `  basis: ${e.basis}\n`;
}

export function printEstimate(e: RunEstimate, json: boolean): void {
  if (json) jsonLine({ event: 'estimate', ...e });
  else process.stdout.write(estimateText(e));
}
