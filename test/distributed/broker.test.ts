/**
 * Distributed mode end to end (issue 10): Redis, a coordinator and `ascl worker` processes on this machine.
 * 4 runs of 4 epochs (synthetic data, wasm). Worker A is SIGKILLed mid-epoch once the coordinator holds one
 * of its runs' epoch and checkpoint (a third worker joins); Redis is killed and restarted empty once; the
 * coordinator is SIGKILLed and restarted on the same store and port once. Every run completes, every epoch
 * is stored exactly once (16 rows), the killed run's metrics equal an uninterrupted local `ascl train` with
 * the same seed and backend, and `ascl doctor` passes. Every wait has a deadline; a failure prints the store.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../../src-main/store/store.js';
import type { RunRecord } from '../../src-main/store/rows.js';
import { runCli } from '../cli/cli-helpers.js';
import { createCluster, waitFor, type Cluster, type Proc } from './cluster.js';

const CONFIG = { dataset: 'synthetic', model: 'small-cnn', defense: 'nat', limit: 96, batchSize: 8, evalSubset: 64, epochs: 4, backend: 'wasm' } as const;
const SEEDS = [0, 1, 2, 3];

let cluster: Cluster | null = null;
afterAll(async () => { await cluster?.stop(); });

/** The store as the coordinator wrote it (a read-only second connection). */
function snapshot<T>(c: Cluster, f: (s: Store) => T): T {
  const s = new Store(c.db, { readonly: true });
  try { return f(s); } finally { s.close(); }
}

function describeStore(c: Cluster): string {
  try {
    return snapshot(c, (s) => s.listRuns().map((r) => `${r.id} seed ${r.seed}: ${r.status} attempt ${r.attempt} worker ${r.workerId ?? '-'} ` +
      `epochs ${JSON.stringify(s.epochNumbers(r.id))} checkpoints ${JSON.stringify(s.checkpoints(r.id).map((k) => k.epoch))} error ${r.error ?? '-'}`).join('\n'));
  } catch (err) { return `(store unreadable: ${(err as Error).message})`; }
}

const workerIdOf = (c: Cluster, p: Proc): string | undefined => snapshot(c, (s) => s.workerInfos().find((w) => w.pid === p.pid)?.id);

describe('distributed mode: 4 runs through Redis, a coordinator and workers', () => {
  it('4 runs x 4 epochs (synthetic, wasm): worker A SIGKILLed mid-epoch, Redis restarted empty, the coordinator restarted -> 4 completed, 16 epoch rows, 0 lost, 0 duplicated; metrics equal a local ascl train; doctor passes', async () => {
    const c = await createCluster({ backend: 'wasm' });
    cluster = c;
    const detail = (): string => `\n--- store\n${describeStore(c)}\n--- logs\n${c.logs()}`;
    try {
      await c.startRedis();
      await c.startCoordinator();
      const a = c.startWorker();
      c.startWorker();
      const { ids } = await c.api<{ ids: string[] }>('runs:sweep', { name: 'dist', config: CONFIG, axes: { seed: SEEDS } });
      expect(ids).toHaveLength(4);

      // Fault 1: worker A SIGKILLed once the coordinator holds an epoch and a checkpoint of a run A trains.
      const aId = await waitFor('worker A\'s hello', () => workerIdOf(c, a), 120_000, detail);
      const victim = await waitFor('a run of worker A with a stored epoch and checkpoint', () => snapshot(c, (s) => s.listRuns().find((r) =>
        r.workerId === aId && r.status === 'running' && r.epochsDone >= 1 && r.epochsDone < 4 && s.checkpoints(r.id).length > 0)), 300_000, detail);
      await c.killWorker(a);
      c.startWorker();

      // Fault 2: Redis killed while runs are in flight, and back empty on the same port.
      await waitFor('a run running after the kill', () => snapshot(c, (s) => s.listRuns().find((r) => r.status === 'running' && r.workerId !== aId)), 120_000, detail);
      const unsettled = (): number => snapshot(c, (s) => ids.filter((id) => ['queued', 'running'].includes(s.requireRun(id).status)).length);
      const inFlightAtRedis = unsettled();
      await c.restartRedis();

      // Fault 3: the coordinator SIGKILLed once more epochs landed, restarted on the same store and port.
      const stored = (): number => snapshot(c, (s) => ids.reduce((n, id) => n + s.epochNumbers(id).length, 0));
      const before = stored();
      await waitFor('two more epochs stored after the Redis restart', () => (stored() >= Math.min(14, before + 2) ? true : undefined), 300_000, detail);
      const inFlightAtCoordinator = unsettled();
      await c.restartCoordinator();

      const final = await waitFor('all 4 runs settled', () => snapshot(c, (s) => {
        const runs = ids.map((id) => s.requireRun(id));
        return runs.every((r) => r.status !== 'queued' && r.status !== 'running') ? runs : undefined;
      }), 480_000, detail);
      const report = describeStore(c);
      // The faults hit runs in flight (else they proved nothing).
      expect([inFlightAtRedis, inFlightAtCoordinator].map((n) => n > 0), report).toEqual([true, true]);
      expect(final.map((r: RunRecord) => r.status), report).toEqual(['completed', 'completed', 'completed', 'completed']);
      const epochs = snapshot(c, (s) => ids.map((id) => s.epochNumbers(id)));
      expect(epochs, report).toEqual(ids.map(() => [1, 2, 3, 4]));
      expect(epochs.flat()).toHaveLength(16);
      const victimAfter = final.find((r) => r.id === victim.id)!;
      expect(victimAfter.attempt, report).toBeGreaterThan(1);
      expect(victimAfter.workerId, report).not.toBe(aId);

      // The killed run equals an uninterrupted local run of the same seed and backend.
      const localDb = path.join(c.dir, 'local', 'ascl.db');
      fs.mkdirSync(path.dirname(localDb), { recursive: true });
      const cfgFile = path.join(c.dir, 'cfg.json');
      fs.writeFileSync(cfgFile, JSON.stringify({ ...CONFIG, seed: victim.seed }));
      const local = await runCli(['train', '--config', cfgFile, '--db', localDb, '--json'], { timeoutMs: 300_000, env: { ASCL_HOME: path.dirname(localDb) } });
      expect(local.code, local.stderr).toBe(0);
      const remoteRows = snapshot(c, (s) => s.epochs(victim.id));
      const localStore = new Store(localDb, { readonly: true });
      try {
        const [localRun] = localStore.listRuns();
        const localRows = localStore.epochs(localRun.id);
        const figures = (rows: typeof remoteRows) => rows.map((e) => [e.epoch, e.natAccuracy, e.pgdAccuracy, e.trainAccuracy, e.terms.loss]);
        expect(figures(remoteRows)).toEqual(figures(localRows));
      } finally { localStore.close(); }

      const doctor = await runCli(['doctor', '--db', c.db], { timeoutMs: 120_000 });
      expect(doctor.code, `${doctor.stdout}\n${doctor.stderr}`).toBe(0);
      // The figures of the closing note.
      const attempts = final.map((r) => r.attempt);
      process.stderr.write(`broker e2e: in flight at the Redis restart ${inFlightAtRedis}, at the coordinator restart ${inFlightAtCoordinator}; runs completed ${final.filter((r) => r.status === 'completed').length}/4; kills survived: worker SIGKILL, Redis restart, coordinator restart; ` +
        `epoch rows ${epochs.flat().length} (lost ${16 - new Set(ids.flatMap((id, i) => epochs[i].map((e) => `${id}:${e}`))).size}, duplicated ${epochs.flat().length - new Set(ids.flatMap((id, i) => epochs[i].map((e) => `${id}:${e}`))).size}); attempts ${JSON.stringify(attempts)}\n`);
    } catch (err) {
      throw new Error(`${(err as Error).message}${detail()}`, { cause: err });
    }
  }, 900_000);
});
