/**
 * The API over a store with damaged JSON cells (runs.config of one run, epoch_metrics.terms of
 * another): runs:list answers every run, the damaged ones with an error naming the run, table and
 * column; runs:get still answers; channels that need the damaged value answer an error that names
 * it; export:csv leaves the damaged runs out with a problem each and exports the rest.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../src-main/api/dispatch.js';
import type { AppService } from '../../src-main/service/app-service.js';
import { fakeService, tempDir, SMALL } from './helpers.js';

let service: AppService;
const db = path.join(tempDir(), 'a.db');
const ids: string[] = [];
beforeAll(async () => {
  const s = await fakeService(db, { workers: 2 });
  for (const seed of [1, 2, 3]) ids.push((await s['runs:start']({ config: { ...SMALL, seed } })).id);
  for (const id of ids) await s.waitForRun(id);
  await s.close();
  const raw = new Database(db);
  raw.prepare("UPDATE runs SET config = '{\"defense\":' WHERE id = ?").run(ids[0]);
  raw.prepare("UPDATE epoch_metrics SET terms = 'oops' WHERE run_id = ? AND epoch = 3").run(ids[1]);
  raw.close();
  service = await fakeService(db, { workers: 1 });
});
afterAll(async () => { await service.close(); });

describe('API over damaged cells (run 1: runs.config, run 2: epoch_metrics.terms epoch 3)', () => {
  it('runs:list answers all 3 runs; run 1 carries the error naming runs.config, runs 2 and 3 list normally', async () => {
    const list = await dispatch(service, 'runs:list', {}) as Array<{ id: string; error: string | null; status: string; defense: string }>;
    expect(list.map((r) => r.id).sort()).toEqual([...ids].sort());
    const one = list.find((r) => r.id === ids[0])!;
    expect(one.error).toMatch(new RegExp(`run ${ids[0]}: the stored runs.config is not valid JSON`));
    expect(one.defense).toBe('?');
    expect(list.filter((r) => r.id !== ids[0]).map((r) => [r.status, r.error])).toEqual([['completed', null], ['completed', null]]);
    expect((await dispatch(service, 'runs:get', { id: ids[0] }) as { config: object | null }).config).toBeNull();
  });

  it('metrics:epochs of run 2 is an error naming epoch_metrics.terms (epoch 3); run 3 answers its 3 epochs', async () => {
    await expect(dispatch(service, 'metrics:epochs', { runId: ids[1] })).rejects.toThrow(new RegExp(`run ${ids[1]}: the stored epoch_metrics.terms \\(epoch 3\\) is not valid JSON`));
    expect((await dispatch(service, 'metrics:epochs', { runId: ids[2] }) as unknown[]).length).toBe(3);
  });

  it('export:csv of the 3 runs: 3 rows of run 3, two problems naming runs 1 and 2', async () => {
    const r = await dispatch(service, 'export:csv', { what: 'epochs', runIds: ids }) as { csv: string; problems: string[] };
    expect(r.csv.trim().split('\n').slice(1).map((l) => l.split(',')[0])).toEqual([ids[2], ids[2], ids[2]]);
    expect(r.problems).toHaveLength(2);
    expect(r.problems[0]).toMatch(new RegExp(`run ${ids[0]}: the stored runs.config`));
    expect(r.problems[1]).toMatch(new RegExp(`run ${ids[1]}: the stored epoch_metrics.terms \\(epoch 3\\)`));
  });

  it('evals:start and analysis:start of run 1 are refused (conflict) naming runs.config: never evaluated with default settings in its place', async () => {
    for (const [channel, req] of [['evals:start', { runId: ids[0], attack: 'fgsm' }], ['analysis:start', { runId: ids[0], tsne: true }]] as const) {
      await expect(dispatch(service, channel, req)).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(new RegExp(`${channel}: run ${ids[0]}: the stored runs.config is not valid JSON`)) });
    }
  });

  it('a cancelled run whose config is unreadable, resumed: the run fails naming runs.config; the service carries on', async () => {
    const raw = new Database(db);
    raw.prepare("UPDATE runs SET status = 'cancelled' WHERE id = ?").run(ids[0]);
    raw.close();
    await dispatch(service, 'runs:resume', { id: ids[0] });
    expect(await service.waitForRun(ids[0])).toBe('failed');
    expect(service.store.requireRun(ids[0]).error).toMatch(new RegExp(`train-job\\(${ids[0]}\\): run ${ids[0]}: the stored runs.config is not valid JSON`));
    expect((await dispatch(service, 'runs:list', {}) as Array<{ id: string }>).length).toBe(3);
  });
});
