/** What the service is: version, backend, workers, store; the configuration schema and the presets. */
import fs from 'node:fs';
import type { ApiHandlers } from '../../shared/channels.js';
import type { ServiceContext } from '../context.js';
import { describeRunConfig } from '../describe.js';
import { listPresets } from '../presets.js';
import { gpuReportIfReady } from '../gpu-report.js';

type InfoHandlers = Pick<ApiHandlers, 'app:info' | 'config:describe' | 'presets:list'>;

export const VERSION = (JSON.parse(fs.readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export function infoHandlers(ctx: ServiceContext): InfoHandlers {
  return {
    async 'app:info'() {
      // GPU readiness: computed once in a worker, in the background; absent until it is there (or where it fails).
      const gpus = gpuReportIfReady((m) => ctx.log(`app:info: ${m}`));
      return { version: VERSION, backend: ctx.runs.lastBackend ?? (ctx.backend === 'auto' ? null : ctx.backend), workers: ctx.workers, dbPath: ctx.store.dbPath, gpus,
        broker: ctx.remote ? { url: ctx.remote.brokerUrl, queues: ctx.remote.queues() } : null };
    },
    async 'config:describe'() {
      return { fields: describeRunConfig().map(({ itemType: _i, ...f }) => f) };
    },
    async 'presets:list'() { return listPresets(); },
  };
}
