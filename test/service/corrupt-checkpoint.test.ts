/**
 * Resume with damaged checkpoints (fake engine): a corrupt newest checkpoint is skipped for the
 * previous verified one (the epochs after it are re-trained once); with none verifiable the run
 * fails with an error naming the files, and the rest of the store stays usable.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppService } from '../../src-main/service/app-service.js';
import { doctor } from '../../src-main/store/index.js';
import { fakeService, tempDir, SMALL } from './helpers.js';

let service: AppService | null = null;
afterEach(async () => { await service?.close(); service = null; });

/** A run of 4 epochs (10 steps each) cancelled during epoch 4: checkpoints after epochs 2 and 3 are kept. */
async function cancelledInEpoch4(s: AppService): Promise<string> {
  const { id } = await s['runs:start']({ config: { ...SMALL, limit: 40, epochs: 4 } });
  await new Promise<void>((res) => { const off = s.on('run:epoch', (e) => { if (e.id === id && e.row.epoch === 3) { off(); res(); } }); });
  await s['runs:cancel']({ id });
  expect(await s.waitForRun(id)).toBe('cancelled');
  expect(s.store.checkpoints(id).map((c) => c.epoch)).toEqual([3, 2]);
  return id;
}

describe('resume with damaged checkpoints', () => {
  it('newest checkpoint (epoch 3) truncated: resumes after epoch 2, re-trains 3 and 4 once each; doctor passes', async () => {
    service = await fakeService(path.join(tempDir(), 'a.db'), { workers: 1 });
    const id = await cancelledInEpoch4(service);
    const before = service.store.epochs(id).slice(0, 2);
    const newest = service.store.resolveFile(service.store.checkpoints(id)[0].file);
    fs.truncateSync(newest, 64);
    await service['runs:resume']({ id });
    expect(await service.waitForRun(id)).toBe('completed');
    const epochs = service.store.epochs(id);
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4]);
    expect(epochs.slice(0, 2)).toEqual(before);
    expect(doctor(service.store).problems).toEqual([]);
  });

  it('every checkpoint corrupt: the run fails naming both files; other runs still train', async () => {
    service = await fakeService(path.join(tempDir(), 'a.db'), { workers: 1 });
    const id = await cancelledInEpoch4(service);
    const files = service.store.checkpoints(id).map((c) => service!.store.resolveFile(c.file));
    for (const f of files) fs.writeFileSync(f, 'garbage');
    await service['runs:resume']({ id });
    expect(await service.waitForRun(id)).toBe('failed');
    const error = service.store.requireRun(id).error ?? '';
    for (const f of files) expect(error).toContain(f);
    expect(error).toMatch(/no checkpoint of run .* could be verified/);
    const other = await service['runs:start']({ config: { ...SMALL } });
    expect(await service.waitForRun(other.id)).toBe('completed');
    expect(doctor(service.store).problems.filter((p) => !p.includes(id))).toEqual([]);
  });
});
