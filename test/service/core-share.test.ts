import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loneJobThreads, mayStart, parseThreadsSetting, threadsForRun, type CoreShare } from '../../src-main/service/core-share.js';
import { EventHub } from '../../src-main/service/events.js';
import { RunQueue } from '../../src-main/service/run-queue.js';
import { Store } from '../../src-main/store/index.js';
import type { AppService } from '../../src-main/service/app-service.js';
import { fakeService, tempDir, SMALL } from './helpers.js';

const auto = (cores: number, workers: number): CoreShare => ({ setting: 'auto', cores, workers });

describe('core share: XNNPACK threads per run (auto)', () => {
  it.each([
    // cores, workers, held, starting, threads
    [2, 2, 0, 1, 2], // a lone run: both cores
    [2, 2, 0, 2, 1], // two runs starting together (a sweep): one each
    [2, 2, 1, 1, 1], // one core held by an evaluation
    [16, 4, 0, 1, 8], // capped at emscripten's pool of 8
    [16, 4, 0, 3, 5],
    [2, 4, 0, 1, 2], // workers above the cores: never more threads than cores
    [2, 4, 2, 1, 2],
  ])('%i cores, workers %i, %i held, %i starting: %i threads', (cores, workers, held, starting, threads) => {
    expect(threadsForRun(auto(cores, workers), held, starting)).toBe(threads);
  });

  it('2 cores, workers 2: a job waits while both cores are held; with workers 4 the budget is 4 jobs', () => {
    expect(mayStart(auto(2, 2), 1)).toBe(true);
    expect(mayStart(auto(2, 2), 2)).toBe(false);
    expect(mayStart(auto(2, 4), 3)).toBe(true);
    expect(mayStart(auto(2, 4), 4)).toBe(false);
  });

  it('a fixed setting (ASCL_WASM_THREADS=3) gives every run 3 and leaves admission to workers', () => {
    const fixed: CoreShare = { setting: 3, cores: 2, workers: 2 };
    expect(threadsForRun(fixed, 5, 1)).toBe(3);
    expect(mayStart(fixed, 99)).toBe(true);
  });

  it.each(['0', '9', '1.5', 'two', '-1'])('ASCL_WASM_THREADS=%s is refused naming the variable and the value', (v) => {
    expect(() => parseThreadsSetting(v)).toThrow(new RegExp(`ASCL_WASM_THREADS: expected 'auto' or an integer from 1 to 8, got "${v.replace('.', '\\.')}"`));
  });

  it.each([[undefined, 'auto'], ['', 'auto'], ['auto', 'auto'], ['4', 4]])('ASCL_WASM_THREADS=%s reads as %s', (v, want) => {
    expect(parseThreadsSetting(v)).toBe(want);
  });
});

describe('the run queue hands out cores (fake engine, threads auto, workers 2)', () => {
  let service: AppService | null = null;
  afterEach(async () => { await service?.close(); service = null; });

  it('a lone run gets min(8, cores) threads; a sweep of 2 queued behind it starts when it ends, with floor(cores / 2) each (machines of up to 8 cores)', async () => {
    const cores = os.availableParallelism();
    service = await fakeService(path.join(tempDir(), 'a.db'), { workers: 2, threads: 'auto' });
    const lone = await service['runs:start']({ config: { ...SMALL, limit: 400 } });
    expect(service.runThreads(lone.id)).toBe(Math.min(8, cores));
    const { ids } = await service['runs:sweep']({ config: { ...SMALL }, axes: { seed: [1, 2] } });
    // The lone run holds every core: the sweep waits (no oversubscribed pools).
    expect(ids.map((id) => service!.runThreads(id))).toEqual([null, null]);
    const seen = new Map<string, number>();
    const off = service.on('run:status', (s) => {
      const threads = service!.runThreads(s.id);
      if (s.status === 'running' && threads !== null) seen.set(s.id, threads);
    });
    expect(await service.waitForRun(lone.id)).toBe('completed');
    for (const id of ids) expect(await service.waitForRun(id)).toBe('completed');
    off();
    expect(ids.map((id) => seen.get(id))).toEqual([Math.max(1, Math.floor(cores / 2)), Math.max(1, Math.floor(cores / 2))]);
  });
});

describe('evaluation and analysis tasks get their share of cores too (RunQueue, threads auto, workers 2)', () => {
  it('a lone task gets min(8, cores) threads; one queued while it runs waits for the cores (2+ cores), then gets them all', async () => {
    const cores = os.availableParallelism();
    const all = Math.min(8, cores);
    const store = new Store(path.join(tempDir(), 'q.db'));
    const queue = new RunQueue({ workers: 2, store, events: new EventHub(), backend: 'cpu', log: () => {}, keepCheckpoints: 2, threads: 'auto' });
    const got: number[] = [];
    let release = (): void => {};
    const firstRuns = new Promise<void>((r) => { release = r; });
    const secondDone = new Promise<void>((resolve) => {
      queue.enqueueTask(async (t) => { got.push(t); await firstRuns; });
      queue.enqueueTask(async (t) => { got.push(t); resolve(); });
    });
    expect(got).toEqual(cores >= 2 ? [all] : [1, 1]);
    release();
    await secondDone;
    expect(got).toEqual(cores >= 2 ? [all, all] : [1, 1]);
    await queue.close();
    store.close();
  });

  it('ascl eval alone in its process: loneJobThreads is min(8, cores) under auto, the fixed count otherwise', () => {
    expect(loneJobThreads('auto')).toBe(Math.min(8, os.availableParallelism()));
    expect(loneJobThreads(3)).toBe(3);
  });
});
