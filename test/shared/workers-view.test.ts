/** What the Workers page and `ascl workers` show of a worker (shared/workers-view.ts): ages, labels, rows, where a run runs. */
import { describe, expect, it } from 'vitest';
import { heartbeatAge, runWhereLabel, workerJobLabel, workerRows, WORKER_COLUMNS } from '../../src-main/shared/workers-view.js';
import { twoWorkers } from '../fixtures/worker-fixtures.js';

const NOW = Date.parse('2026-12-02T05:00:00Z');
const ago = (ms: number): string => new Date(NOW - ms).toISOString();

const [gpuWorker, cpuWorker] = twoWorkers(NOW);

describe('heartbeatAge', () => {
  it.each([[0, '0s ago'], [3_000, '3s ago'], [119_000, '119s ago'], [125_000, '2m ago'], [7_300_000, '2h ago'], [3 * 86_400_000, '3d ago'], [-5_000, '0s ago']])(
    'a heartbeat %i ms before now reads %s', (ms, want) => { expect(heartbeatAge(ago(ms), NOW)).toBe(want); });
  it('an unreadable time reads "unknown"', () => { expect(heartbeatAge('yesterday-ish', NOW)).toBe('unknown'); });
});

describe('workerRows', () => {
  it('a busy A100 worker with 2 jobs: one row of 10 cells in WORKER_COLUMNS order', () => {
    const [row] = workerRows([gpuWorker], NOW);
    expect(row).toHaveLength(WORKER_COLUMNS.length);
    expect(row).toEqual(['gpu1', '4242', 'gpu-a100', 'tensorflow (NVIDIA A100 80GB)', '32', '2/2', 'busy',
      'train run-007 (epoch 3, 46%); eval run-003 (eval task 9)', '3s ago', 'gpu1-4242-ab12']);
  });
  it('a stopped worker without GPU or jobs says why it stopped and "-" for its jobs', () => {
    expect(workerRows([cpuWorker], NOW)[0].slice(3, 9)).toEqual(['wasm', '8', '0/4', 'stopped: 3 jobs failed in a row (--max-failures 3)', '-', '61s ago']);
  });
  it('a training job before its first step reads "starting"', () => {
    expect(workerJobLabel({ jobId: 'r-a1', kind: 'train', runId: 'r', taskId: null, epoch: null, progress: null })).toBe('train r (starting)');
  });
});

describe('runWhereLabel', () => {
  it.each([
    [{}, null],
    [{ where: 'local', queue: null }, 'local'],
    [{ where: null, queue: 'gpu-a100', attempt: 1 }, 'waiting for a worker · queue gpu-a100'],
    [{ where: 'gpu1-4242-ab12', queue: 'gpu-a100', attempt: 1 }, 'worker gpu1-4242-ab12 · queue gpu-a100'],
    [{ where: 'gpu2-7-cd', queue: 'default', attempt: 3 }, 'worker gpu2-7-cd · queue default · attempt 3'],
  ])('%j reads %s', (r, want) => { expect(runWhereLabel(r)).toBe(want); });
});
