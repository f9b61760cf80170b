/** Two workers as a coordinator reports them (the Workers page, `ascl workers` and the served UI test): one busy A100 host, one stopped CPU host. */
import type { WorkerInfo } from '../../src-main/shared/workers.js';

export function twoWorkers(now: number): [WorkerInfo, WorkerInfo] {
  const ago = (ms: number): string => new Date(now - ms).toISOString();
  return [{
    id: 'gpu1-4242-ab12', host: 'gpu1', pid: 4242, queue: 'gpu-a100', backend: 'tensorflow', gpu: 'NVIDIA A100 80GB', cores: 32, concurrency: 2,
    state: 'busy', message: null, version: '0.10.0', startedAt: ago(3_600_000), lastHeartbeat: ago(3_000),
    jobs: [{ jobId: 'run-007-a2', kind: 'train', runId: 'run-007', taskId: null, epoch: 3, progress: 0.456 },
      { jobId: 'run-003-t9', kind: 'eval', runId: 'run-003', taskId: 9, epoch: null, progress: null }],
  }, {
    id: 'cpu7-99-cd34', host: 'cpu7', pid: 99, queue: 'default', backend: 'wasm', gpu: null, cores: 8, concurrency: 4,
    state: 'stopped', message: '3 jobs failed in a row (--max-failures 3)', version: '0.10.0', startedAt: ago(7_200_000), lastHeartbeat: ago(61_000), jobs: [],
  }];
}
