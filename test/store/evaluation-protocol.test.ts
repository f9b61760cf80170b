/** Store migration v5: the resolved evaluation protocol stored with each evaluation; older stores keep opening. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { peek, storeAtVersion, userVersion } from './raw-db.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store, SCHEMA_VERSION } from '../../src-main/store/index.js';
import type { EvaluationProtocol } from '../../src-main/shared/evaluation.js';
import { parseRunConfig } from '../../src-main/shared/run-config.js';

let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ascl-protocol-')); });
afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

const config = parseRunConfig({ dataset: 'cifar100', model: 'small-cnn', defense: 'adv', selection: 'global', seed: 0, epochs: 1 });
const protocol: EvaluationProtocol = {
  attack: 'pgd', dataset: 'cifar100', eps: 0.01, stepSize: 0.001, steps: 250, restarts: 1, n: 1000, testSetSize: 10_000, subset: 'first-n', seed: 0, parts: null,
};

/** A run with one CIFAR-100 PGD-250 evaluation (step 0.001) of n images, stored with `protocol`. */
function withPgdEvaluation(s: Store, n: number): { run: { id: string }; id: number } {
  const run = s.createRun({ name: 'x', group: null, config, seed: 0, epochsTotal: 1 });
  const id = s.addEvaluation({ runId: run.id, attack: 'pgd', eps: 0.01, steps: 250, stepSize: 0.001, n, seed: 0, checkpointEpoch: 1,
    cleanAccuracy: 0.5, robustAccuracy: 0.2, seconds: 3, protocol, outcomes: null });
  return { run, id };
}

describe('evaluations.protocol (store migration v5)', () => {
  it('a version-2 store with an evaluation migrates; the old row reads with protocol null, testSetSize null and standard errors from p and n', () => {
    const file = path.join(dir, 'v2.db');
    storeAtVersion(file, 2, (raw) => {
      raw.prepare(`INSERT INTO runs (id, name, config, seed, status, created_at, updated_at, epochs_total) VALUES ('old', 'old', '{}', 0, 'completed', 't', 't', 1)`).run();
      raw.prepare(`INSERT INTO evaluations (run_id, attack, eps, steps, step_size, n, seed, checkpoint_epoch, clean_accuracy, robust_accuracy, seconds, created_at)
        VALUES ('old', 'pgd', 0.01, 250, 0.0025, 1000, 0, 1, 0.6, 0.3, 10, 't')`).run();
    });
    const s = new Store(file);
    try {
      expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(5);
      const [e] = s.evaluations('old');
      expect(e).toMatchObject({ attack: 'pgd', stepSize: 0.0025, n: 1000, protocol: null, testSetSize: null });
      expect(e.robustStdErr).toBeCloseTo(Math.sqrt(0.3 * 0.7 / 1000), 12);
      expect(e.cleanStdErr).toBeCloseTo(Math.sqrt(0.6 * 0.4 / 1000), 12);
    } finally { s.close(); }
    expect(userVersion(file)).toBe(SCHEMA_VERSION);
  });

  it('a new evaluation keeps its protocol (CIFAR-100 PGD step 0.001 on a subset of 1000 of 10000) through a reopen', () => {
    const file = path.join(dir, 'a.db');
    const s = new Store(file);
    const { run, id } = withPgdEvaluation(s, 1000);
    s.close();
    const t = new Store(file);
    try {
      const [e] = t.evaluations(run.id);
      expect(e.id).toBe(id);
      expect(e.protocol).toEqual(protocol);
      expect(e.testSetSize).toBe(10_000);
      expect(t.evaluationsDetailed(run.id)[0]).toMatchObject({ stepSize: 0.001, seed: 0, checkpointEpoch: 1 });
    } finally { t.close(); }
  });

  it('a protocol cell that does not parse is reported with the evaluation id, not read as null', () => {
    const file = path.join(dir, 'b.db');
    const s = new Store(file);
    const { run, id } = withPgdEvaluation(s, 10);
    peek(file, (raw) => raw.prepare('UPDATE evaluations SET protocol = ? WHERE id = ?').run(JSON.stringify({ attack: 'pgd' }), id));
    try {
      expect(() => s.evaluations(run.id)).toThrow(new RegExp(`evaluations.protocol \\(evaluation ${id}\\)`));
    } finally { s.close(); }
  });
});
