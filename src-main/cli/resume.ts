/** `ascl resume RUN`: continues an interrupted, failed or cancelled run from its last checkpoint. */
import { Command } from 'commander';
import { createAppService } from '../service/app-service.js';
import { dispatch } from '../api/dispatch.js';
import { existingDbPath } from './common.js';
import { followRun } from './follow.js';

export function resumeCommand(): Command {
  return new Command('resume')
    .description('continue an interrupted, failed or cancelled run from its last verified checkpoint')
    .argument('<run>', 'run id')
    .option('--db <file>', 'the store database')
    .option('--json', 'JSON lines on stdout even on a terminal')
    .action(async (runId: string, opts: { db?: string; json?: boolean }) => {
      const service = await createAppService({ dbPath: existingDbPath(opts), createFolder: false, workers: 1 });
      try {
        await dispatch(service, 'runs:resume', { id: runId });
        process.exitCode = await followRun(service, runId, { json: opts.json === true, verb: 'resuming' });
      } finally {
        await service.close();
      }
    });
}
