/**
 * Runs stored before configuration versions existed still resume and evaluate: their `runs.config`
 * column and their checkpoints' meta.config are bare RunConfig JSON (version 1, no configVersion).
 * Resume: the fake engine (test/service/fixtures) continues a v1 run from its v1 checkpoint at epoch 1.
 * Evaluate: a real small-cnn run (wasm, synthetic, 1 epoch) rewritten to the v1 form, then fgsm on 16 images.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiEvents } from '../../src-main/shared/channels.js';
import { CONFIG_VERSION_KEY } from '../../src-main/shared/config-migrations.js';
import { parseRunConfig } from '../../src-main/shared/run-config.js';
import { createAppService, type AppService } from '../../src-main/service/app-service.js';
import { Store, readCheckpointFile, writeCheckpointFile } from '../../src-main/store/index.js';
import { fakeService, tempDir } from './helpers.js';
import { peek, storedConfigColumn } from '../store/raw-db.js';

let service: AppService | null = null;
afterEach(async () => { await service?.close(); service = null; });

/** Rewrites a stored run and its checkpoints to the v1 form: configs without their version key. */
function downgradeToV1(store: Store, runId: string): void {
  peek(store.dbPath, (raw) => downgradeRows(store, raw, runId));
}

function downgradeRows(store: Store, raw: Database.Database, runId: string): void {
  const row = raw.prepare('SELECT config FROM runs WHERE id = ?').get(runId) as { config: string };
  const { [CONFIG_VERSION_KEY]: _v, ...bare } = JSON.parse(row.config) as Record<string, unknown>;
  raw.prepare('UPDATE runs SET config = ? WHERE id = ?').run(JSON.stringify(bare), runId);
  for (const c of store.checkpoints(runId)) {
    const file = store.resolveFile(c.file);
    const { meta, arrays } = readCheckpointFile(file, c.sha256);
    const { [CONFIG_VERSION_KEY]: _cv, ...bareMeta } = (meta as { config: Record<string, unknown> }).config;
    const w = writeCheckpointFile(file, { meta: { ...(meta as object), config: bareMeta }, arrays });
    raw.prepare('UPDATE checkpoints SET sha256 = ?, size = ? WHERE run_id = ? AND epoch = ?').run(w.sha256, w.size, runId, c.epoch);
  }
}

describe('runs stored with version-1 configurations', () => {
  it('resume (fake engine, 3 epochs of 4 steps): a v1 run interrupted after epoch 1 continues from its v1 checkpoint to epoch 3', async () => {
    const db = path.join(tempDir(), 'a.db');
    const config = parseRunConfig({ dataset: 'synthetic', model: 'small-cnn', limit: 16, batchSize: 4, epochs: 3, backend: 'cpu', selection: 'soft' });
    service = await fakeService(db, { keepCheckpoints: 3 });
    const { id } = await service['runs:start']({ config });
    expect(await service.waitForRun(id)).toBe('completed');
    const store = service.store;
    // Back to "interrupted after epoch 1", as a crash of the older version would have left it.
    store.truncateAfter(id, 1, 4);
    store.transition(id, 'interrupted', { from: ['completed'], error: 'interrupted', where: 'test' });
    downgradeToV1(store, id);
    expect(store.checkpoints(id).map((c) => c.epoch)).toEqual([1]);
    const epoch1Steps = store.stepRows(id);
    expect(epoch1Steps.map((s) => s.step)).toEqual([0, 1, 2, 3]);
    expect(JSON.parse(storedConfigColumn(store.dbPath, id))).not.toHaveProperty(CONFIG_VERSION_KEY);

    expect((await service['runs:get']({ id })).config).toEqual(config);
    await service['runs:resume']({ id });
    expect(await service.waitForRun(id)).toBe('completed');
    expect(store.epochs(id).map((e) => e.epoch)).toEqual([1, 2, 3]);
    // Steps 0-3 are epoch 1's (kept); the resumed run recorded steps 4-11 exactly once.
    const steps = store.stepRows(id);
    expect(steps.map((s) => s.step)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(steps.slice(0, 4)).toEqual(epoch1Steps);
    expect(store.requireRun(id).config).toEqual(config);
  }, 60_000);

  it('evaluate (real engine, wasm, synthetic small-cnn 1 epoch, fgsm on 16 images): a v1 run and checkpoint evaluate like a current one', async () => {
    service = await createAppService({ dbPath: path.join(tempDir(), 'a.db'), workers: 1, backend: 'wasm', log: () => {} });
    const { id } = await service['runs:start']({ config: { dataset: 'synthetic', model: 'small-cnn', defense: 'nat', epochs: 1, limit: 64, batchSize: 32, evalSubset: 16 } });
    expect(await service.waitForRun(id)).toBe('completed');
    const before = service.store.requireRun(id).config;
    downgradeToV1(service.store, id);
    expect(service.store.requireRun(id).config).toEqual(before);
    const done = new Promise<ApiEvents['eval:done']>((resolve) => { service!.on('eval:done', resolve); });
    await service['evals:start']({ runId: id, attack: 'fgsm', n: 16, eps: '8/255' });
    const ev = await done;
    expect(ev.row).toMatchObject({ runId: id, attack: 'fgsm', n: 16 });
    expect(ev.row.robustAccuracy).toBeLessThanOrEqual(ev.row.cleanAccuracy);
  }, 120_000);
});
