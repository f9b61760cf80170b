import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { Store, doctor } from '../../src-main/store/index.js';
import { fakeService, tempDir, SMALL } from './helpers.js';
import { parseRunConfig } from '../../src-main/shared/run-config.js';
import type { AppService } from '../../src-main/service/app-service.js';

let service: AppService | null = null;
afterEach(async () => { await service?.close(); service = null; });

const epochsOf = (s: AppService, id: string) => s.store.epochs(id).map((e) => e.epoch);

describe('queue on worker threads (fake engine)', () => {
  it('a worker that throws (out of memory) marks its run failed with the reason, and the queue carries on', async () => {
    service = await fakeService(path.join(tempDir(), 'a.db'), { workers: 1 });
    const bad = await service['runs:start']({ config: { ...SMALL, lambdaNat: 77 } });
    const good = await service['runs:start']({ config: parseRunConfig(SMALL) });
    expect(await service.waitForRun(bad.id)).toBe('failed');
    expect(service.store.requireRun(bad.id).error).toMatch(/out of memory allocating 4 GiB/);
    expect(await service.waitForRun(good.id)).toBe('completed');
  });

  it('a NaN loss (learningRate 10) fails the run naming the step, and the queue carries on', async () => {
    service = await fakeService(path.join(tempDir(), 'a.db'), { workers: 1 });
    const bad = await service['runs:start']({ config: { ...SMALL, learningRate: 10 } });
    const good = await service['runs:start']({ config: parseRunConfig(SMALL) });
    expect(await service.waitForRun(bad.id)).toBe('failed');
    expect(service.store.requireRun(bad.id).error).toMatch(/loss became NaN at epoch 1, step 0/);
    expect(await service.waitForRun(good.id)).toBe('completed');
  });

  it('cancel: a running run stops as cancelled, a queued one never starts; both resume to completion with epochs 1..3 once', async () => {
    service = await fakeService(path.join(tempDir(), 'a.db'), { workers: 1 });
    const a = await service['runs:start']({ config: { ...SMALL, limit: 400 } }); // 100 steps per epoch
    const b = await service['runs:start']({ config: parseRunConfig(SMALL) });
    await new Promise<void>((res) => { const off = service!.on('run:progress', (p) => { if (p.id === a.id) { off(); res(); } }); });
    await service['runs:cancel']({ id: b.id });
    await service['runs:cancel']({ id: a.id });
    expect(await service.waitForRun(a.id)).toBe('cancelled');
    expect(await service.waitForRun(b.id)).toBe('cancelled');
    expect(service.store.requireRun(b.id).startedAt).toBeNull();
    await expect(service['runs:cancel']({ id: a.id })).rejects.toThrow(/is cancelled, not queued or running/);
    await service['runs:resume']({ id: a.id });
    await service['runs:resume']({ id: b.id });
    expect(await service.waitForRun(a.id)).toBe('completed');
    expect(await service.waitForRun(b.id)).toBe('completed');
    expect(epochsOf(service, a.id)).toEqual([1, 2, 3]);
    expect(doctor(service.store).problems).toEqual([]);
  });

  it('closing the service mid-run leaves it interrupted; a new service resumes it to the same metrics as an uninterrupted run', async () => {
    const db = path.join(tempDir(), 'a.db');
    service = await fakeService(db, { workers: 2 });
    const cfg = { ...SMALL, limit: 40, epochs: 4, seed: 9 }; // 10 steps per epoch
    const ref = await service['runs:start']({ config: cfg });
    expect(await service.waitForRun(ref.id)).toBe('completed');
    const v = await service['runs:start']({ config: cfg });
    await new Promise<void>((res) => { const off = service!.on('run:epoch', (e) => { if (e.id === v.id && e.row.epoch === 2) { off(); res(); } }); });
    await new Promise((r) => setTimeout(r, 15)); // into epoch 3
    await service.close();
    const store = new Store(db);
    expect(store.requireRun(v.id).status).toBe('interrupted');
    store.close();
    service = await fakeService(db, { workers: 2 });
    await service['runs:resume']({ id: v.id });
    expect(await service.waitForRun(v.id)).toBe('completed');
    const got = service.store.epochs(v.id);
    expect(got.map((e) => e.epoch)).toEqual([1, 2, 3, 4]);
    const want = service.store.epochs(ref.id);
    // Same seed, resumed with the checkpoint's RNG state: the same series (seconds aside).
    expect(got.map(({ seconds: _s, ...e }) => e)).toEqual(want.map(({ seconds: _s, ...e }) => e));
    expect(service.store.stepSeries(v.id, 'loss', 1000).map((p) => p.mean)).toEqual(service.store.stepSeries(ref.id, 'loss', 1000).map((p) => p.mean));
    expect(doctor(service.store).problems).toEqual([]);
  });

  it('a run left running by a dead process shows as interrupted when a service starts; one owned by a live process does not', async () => {
    const db = path.join(tempDir(), 'a.db');
    const store = new Store(db);
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    const deadPid = Number(dead.stdout.toString());
    const a = store.createRun({ name: 'dead', group: null, config: parseRunConfig(SMALL), seed: 0, epochsTotal: 3 });
    store.transition(a.id, 'running', { from: ['queued'], claim: { pid: deadPid, host: (await import('node:os')).hostname() }, where: 'test' });
    const b = store.createRun({ name: 'alive', group: null, config: parseRunConfig(SMALL), seed: 0, epochsTotal: 3 });
    store.transition(b.id, 'running', { from: ['queued'], claim: { pid: process.ppid, host: (await import('node:os')).hostname() }, where: 'test' });
    store.close();
    service = await fakeService(db);
    const list = await service['runs:list']({});
    expect(list.find((r) => r.id === a.id)?.status).toBe('interrupted');
    expect(list.find((r) => r.id === a.id)?.error).toMatch(new RegExp(`pid ${deadPid}`));
    expect(list.find((r) => r.id === b.id)?.status).toBe('running');
    await expect(service['runs:resume']({ id: b.id })).rejects.toThrow(/is running/);
    await service['runs:resume']({ id: a.id });
    expect(await service.waitForRun(a.id)).toBe('completed');
  });
});
