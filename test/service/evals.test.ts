/**
 * evals:start through the queue with the real engine: the evaluation runs on a worker, is stored
 * and announced by eval:done and task:done; an evaluation whose run is deleted while it is pending
 * ends with task:done ok false naming the run, and its task row keeps that error.
 */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ApiEvents } from '../../src-main/shared/channels.js';
import { createAppService, type AppService } from '../../src-main/service/app-service.js';
import { tempDir } from './helpers.js';

let service: AppService | null = null;
afterAll(async () => { await service?.close(); });

describe('evals:start (real engine, wasm, synthetic small-cnn 1 epoch)', () => {
  it('fgsm on 16 test images: eval:done carries the stored row with its protocol (a subset of the test split, step eps) and standard errors; robust <= clean', async () => {
    service = await createAppService({ dbPath: path.join(tempDir(), 'a.db'), workers: 1, backend: 'wasm', log: () => {} });
    const { id } = await service['runs:start']({ config: { dataset: 'synthetic', model: 'small-cnn', defense: 'nat', epochs: 1, limit: 64, batchSize: 32, evalSubset: 16 } });
    await expect(service['evals:start']({ runId: id, attack: 'fgsm', n: 16 })).rejects.toThrow(/no checkpoint yet/);
    expect(await service.waitForRun(id)).toBe('completed');
    const done = new Promise<ApiEvents['eval:done']>((resolve) => { service!.on('eval:done', resolve); });
    const taskDone = new Promise<ApiEvents['task:done']>((resolve) => { service!.on('task:done', resolve); });
    const job = await service['evals:start']({ runId: id, attack: 'fgsm', n: 16, eps: '8/255' });
    expect(job.taskId).toBeGreaterThan(0);
    const ev = await done;
    expect(await taskDone).toEqual({ taskId: job.taskId, kind: 'eval', runId: id, ok: true, error: null });
    expect(service.store.getTask(job.taskId)).toMatchObject({ status: 'completed', runId: id, resultId: ev.row.id, error: null });
    expect(ev.runId).toBe(id);
    expect(ev.row).toMatchObject({ attack: 'fgsm', n: 16, runId: id });
    expect(ev.row.eps).toBeCloseTo(8 / 255, 12);
    expect(ev.row.robustAccuracy).toBeLessThanOrEqual(ev.row.cleanAccuracy);
    expect(ev.row.protocol).toMatchObject({ attack: 'fgsm', dataset: 'synthetic', n: 16, steps: 1, restarts: 1, subset: 'first-n', parts: null });
    expect(ev.row.protocol!.stepSize).toBeCloseTo(8 / 255, 12);
    expect(ev.row.testSetSize).toBeGreaterThan(16);
    expect(ev.row.robustStdErr).toBeCloseTo(Math.sqrt(ev.row.robustAccuracy * (1 - ev.row.robustAccuracy) / 16), 12);
    expect(await service['evals:list']({ runId: id })).toEqual([ev.row]);
    const x = service.store.evaluationExamples(ev.row.id)!;
    expect(x.cleanCorrect!.length).toBe(16);
    expect(x.cleanCorrect!.reduce((a, b) => a + b, 0) / 16).toBeCloseTo(ev.row.cleanAccuracy, 12);
    x.outcomes!.forEach((o, i) => { if (o === 1) expect(x.cleanCorrect![i]).toBe(1); });
    expect(x.labels!.length).toBe(16);
    expect(x.breakingEps).toBeNull();

    // The run is deleted while its second evaluation is pending: the task fails naming the run.
    const failed = new Promise<ApiEvents['task:done']>((resolve) => { service!.on('task:done', (e) => { if (e.ok === false) resolve(e); }); });
    const second = await service['evals:start']({ runId: id, attack: 'fgsm', n: 16 });
    await service['runs:delete']({ id });
    const bad = await failed;
    expect(bad).toMatchObject({ taskId: second.taskId, kind: 'eval', runId: id, ok: false });
    expect(bad.error).toMatch(new RegExp(`run ${id} was deleted before its fgsm evaluation \\(task ${second.taskId}\\) finished; nothing was stored`));
    expect(service.store.getTask(second.taskId)).toMatchObject({ status: 'failed', error: bad.error });
  }, 120_000);

  it('epsGrid [0, "4/255", "8/255"] with fgsm on 16 images: one task, three stored rows sharing protocol.grid (rule independent); the task result is the first row; a decreasing or out-of-range grid is a bad request', async () => {
    const s = service!;
    const { id } = await s['runs:start']({ config: { dataset: 'synthetic', model: 'small-cnn', defense: 'nat', epochs: 1, limit: 64, batchSize: 32, evalSubset: 16 } });
    expect(await s.waitForRun(id)).toBe('completed');
    await expect(s['evals:start']({ runId: id, attack: 'fgsm', epsGrid: ['8/255', '4/255'] })).rejects.toThrow(/strictly increasing \("8\/255" then "4\/255"\)/);
    await expect(s['evals:start']({ runId: id, attack: 'fgsm', epsGrid: [0, 2] })).rejects.toThrow(/epsGrid value 2 is not a number in \[0, 1\]/);
    const taskDone = new Promise<ApiEvents['task:done']>((resolve) => { s.on('task:done', (e) => { if (e.runId === id) resolve(e); }); });
    const job = await s['evals:start']({ runId: id, attack: 'fgsm', n: 16, epsGrid: [0, '4/255', '8/255'] });
    expect(await taskDone).toMatchObject({ taskId: job.taskId, ok: true });
    const rows = await s['evals:list']({ runId: id });
    expect(rows.map((r) => r.eps)).toEqual([0, 4 / 255, 8 / 255]);
    expect(s.store.getTask(job.taskId)).toMatchObject({ status: 'completed', resultId: rows[0].id });
    const gridId = rows[0].protocol!.grid!.id;
    rows.forEach((r, j) => {
      expect(r.protocol!.grid).toEqual({ id: gridId, eps: [0, 4 / 255, 8 / 255], index: j, rule: 'independent' });
      expect(r.cleanAccuracy).toBe(rows[0].cleanAccuracy);
    });
    expect(rows[0].robustAccuracy).toBe(rows[0].cleanAccuracy);
  }, 120_000);
});
