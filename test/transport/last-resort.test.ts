/**
 * The last-resort handler of the serving processes: an escaped error is logged with its origin and
 * the process keeps going; more than maxEscapes within the window stop it, leaving a training run
 * of the real service (fake engine) `interrupted`, never lost, before exit(1).
 */
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { installLastResort, type ProcessLike } from '../../src-main/transport/last-resort.js';
import { fakeService, tempDir, SMALL } from '../service/helpers.js';

const fakeProcess = (): ProcessLike & EventEmitter => new EventEmitter() as ProcessLike & EventEmitter;

describe('installLastResort', () => {
  it('an uncaughtException and an unhandledRejection are logged with their origin; no shutdown, no exit', () => {
    const proc = fakeProcess();
    const logged: string[] = [];
    const exits: number[] = [];
    let shutdowns = 0;
    const guard = installLastResort({ name: 'test serve', proc, log: (m) => logged.push(m), exit: (c) => exits.push(c), shutdown: async () => { shutdowns++; } });
    proc.emit('uncaughtException', new TypeError('boom in a timer'), 'uncaughtException');
    proc.emit('unhandledRejection', new Error('lost promise'));
    expect(guard.escapes).toBe(2);
    expect(logged[0]).toMatch(/^\[last resort\] test serve: uncaughtException \(still serving\): TypeError: boom in a timer/);
    expect(logged[1]).toMatch(/unhandledRejection \(still serving\): Error: lost promise/);
    expect({ shutdowns, exits, stopping: guard.stopping }).toEqual({ shutdowns: 0, exits: [], stopping: null });
    guard.uninstall();
    expect(proc.listenerCount('uncaughtException') + proc.listenerCount('unhandledRejection')).toBe(0);
  });

  it('escapes spread wider than the window (11 errors, 61 s apart, maxEscapes 10) never stop the process', () => {
    const proc = fakeProcess();
    let t = 0;
    const exits: number[] = [];
    const guard = installLastResort({ name: 'x', proc, log: () => {}, exit: (c) => exits.push(c), shutdown: async () => {}, now: () => t, maxEscapes: 10, windowMs: 60_000 });
    for (let i = 0; i < 11; i++) { proc.emit('uncaughtException', new Error(`e${i}`), 'uncaughtException'); t += 61_000; }
    expect(guard.stopping).toBeNull();
    expect(exits).toEqual([]);
    guard.uninstall();
  });

  it('11 escapes within 60 s (maxEscapes 10): the service closes, its training run ends interrupted, then exit(1)', async () => {
    const service = await fakeService(path.join(tempDir(), 'lr.db'), { workers: 1 });
    const { id } = await service['runs:start']({ config: { ...SMALL, epochs: 2000 } });
    await new Promise<void>((resolve) => { const off = service.on('run:progress', (p) => { if (p.id === id) { off(); resolve(); } }); });
    expect(service.store.requireRun(id).status).toBe('running');
    const proc = fakeProcess();
    const logged: string[] = [];
    const exits: number[] = [];
    const guard = installLastResort({ name: 'test serve', proc, log: (m) => logged.push(m), exit: (c) => exits.push(c), shutdown: () => service.close(), now: () => 1000 });
    for (let i = 0; i < 11; i++) proc.emit('uncaughtException', new Error(`storm ${i}`), 'uncaughtException');
    expect(guard.stopping).not.toBeNull();
    await guard.stopping;
    expect(exits).toEqual([1]);
    expect(logged.at(-1)).toMatch(/cannot continue.*interrupted.*ascl resume RUN/);
    const { Store } = await import('../../src-main/store/store.js');
    const store = new Store(service.store.dbPath);
    try {
      expect(store.requireRun(id).status).toBe('interrupted');
    } finally { store.close(); }
    guard.uninstall();
  });
});
