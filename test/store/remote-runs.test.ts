/** Store migration v11 (distributed mode): queue, attempt, lease, worker, dataset fingerprint of a run, and the workers table. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { storeAtVersion, userVersion } from './raw-db.js';
import { Store, SCHEMA_VERSION } from '../../src-main/store/index.js';
import { parseRunConfig } from '../../src-main/shared/run-config.js';
import type { WorkerInfo } from '../../src-main/shared/workers.js';

let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ascl-remote-')); });
afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

const config = parseRunConfig({ dataset: 'synthetic', model: 'small-cnn', defense: 'nat', seed: 0, epochs: 4 });
const me = { pid: process.pid, host: 'coord' };
const worker = (id: string, state: WorkerInfo['state'] = 'busy'): WorkerInfo => ({ id, host: 'h', pid: 7, queue: 'default', backend: 'wasm', gpu: null, cores: 2, concurrency: 1,
  state, message: null, jobs: [], version: '1', startedAt: 't', lastHeartbeat: 't' });

describe('distributed runs in the store (migration v11)', () => {
  it('a version-10 store migrates to 11; its old run reads queue null, attempt 1, no lease, no fingerprint', () => {
    const file = path.join(dir, 'v10.db');
    storeAtVersion(file, 10, (raw) => {
      raw.prepare(`INSERT INTO runs (id, name, config, seed, status, created_at, updated_at, epochs_total) VALUES ('old', 'old', '{}', 0, 'completed', 't', 't', 1)`).run();
    });
    const s = new Store(file);
    try {
      expect(SCHEMA_VERSION).toBe(11);
      expect(s.requireRun('old')).toMatchObject({ queueName: null, attempt: 1, workerId: null, lease: null, datasetFingerprint: null });
      expect(s.listWorkers()).toEqual([]);
    } finally { s.close(); }
    expect(userVersion(file)).toBe(11);
  });

  it('claim of attempt 1 by worker A, then by B (stall redelivery) supersedes A; a claim of attempt 2 is refused while the run is at 1', () => {
    const s = new Store(path.join(dir, 'a.db'));
    try {
      const r = s.createRun({ name: 'x', group: null, config, seed: 0, epochsTotal: 4, owner: me, queueName: 'gpu-a100' });
      expect(r).toMatchObject({ queueName: 'gpu-a100', attempt: 1, status: 'queued' });
      expect(s.claimRemote(r.id, 2, 'A', 'LA', me)).toBeNull();
      expect(s.claimRemote(r.id, 1, 'A', 'LA', me)).toMatchObject({ status: 'running', workerId: 'A', lease: 'LA' });
      expect(s.claimRemote(r.id, 1, 'B', 'LB', me)).toMatchObject({ status: 'running', workerId: 'B', lease: 'LB' });
      // Requeue of attempt 1 moves to 2 once; a second requeue of attempt 1 changes nothing.
      expect(s.requeueRemote(r.id, 1, me, 'lost')).toMatchObject({ status: 'queued', attempt: 2, lease: null, workerId: null });
      expect(s.requeueRemote(r.id, 1, me, 'lost')).toBeNull();
      expect(s.claimRemote(r.id, 1, 'A', 'LA2', me)).toBeNull();
      s.finishRun(r.id, 'completed', me, null);
      expect(s.claimRemote(r.id, 2, 'A', 'LA3', me)).toBeNull();
      expect(s.remoteRuns()).toEqual([]);
    } finally { s.close(); }
  });

  it('a restarted coordinator (pid 99999) adopts the remote runs: owner moves, local runs untouched', () => {
    const s = new Store(path.join(dir, 'b.db'));
    try {
      const remote = s.createRun({ name: 'r', group: null, config, seed: 0, epochsTotal: 4, owner: me, queueName: 'default' });
      const local = s.createRun({ name: 'l', group: null, config, seed: 0, epochsTotal: 4, owner: me });
      expect(s.adoptRemoteRuns({ pid: 99999, host: 'coord2' })).toBe(1);
      expect(s.requireRun(remote.id)).toMatchObject({ ownerPid: 99999, ownerHost: 'coord2' });
      expect(s.requireRun(local.id)).toMatchObject({ ownerPid: process.pid, ownerHost: 'coord' });
    } finally { s.close(); }
  });

  it('the first dataset fingerprint is kept, a second one does not replace it', () => {
    const s = new Store(path.join(dir, 'c.db'));
    try {
      const r = s.createRun({ name: 'x', group: null, config, seed: 0, epochsTotal: 4 });
      s.setDatasetFingerprint(r.id, 'a'.repeat(64));
      s.setDatasetFingerprint(r.id, 'b'.repeat(64));
      expect(s.requireRun(r.id).datasetFingerprint).toBe('a'.repeat(64));
    } finally { s.close(); }
  });

  it('workers: an upsert replaces the row; listWorkers(since) leaves out the older ones', () => {
    const s = new Store(path.join(dir, 'd.db'));
    try {
      s.upsertWorker(worker('w1', 'idle'), 1000);
      s.upsertWorker(worker('w1', 'busy'), 3000);
      s.upsertWorker(worker('w2'), 2000);
      expect(s.listWorkers().map((w) => [w.info.id, w.info.state, w.lastHeartbeat])).toEqual([['w1', 'busy', 3000], ['w2', 'busy', 2000]]);
      expect(s.listWorkers(2500).map((w) => w.info.id)).toEqual(['w1']);
    } finally { s.close(); }
  });
});
