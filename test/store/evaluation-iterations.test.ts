/** Store migration v7: the per-iteration record and per-image breaking iteration of an evaluation, and the sanity flags on EvalRow. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { storeAtVersion, userVersion } from './raw-db.js';
import { Store, SCHEMA_VERSION } from '../../src-main/store/index.js';
import { parseRunConfig } from '../../src-main/shared/run-config.js';
import { examplesCsv } from '../../src-main/service/examples-export.js';
import type { EvaluationProtocol } from '../../src-main/shared/evaluation.js';

let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ascl-iter-')); });
afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

const config = parseRunConfig({ dataset: 'synthetic', model: 'small-cnn', defense: 'nat', seed: 0, epochs: 1 });
const protocol = (steps: number): EvaluationProtocol => ({ attack: 'pgd', dataset: 'synthetic', eps: 8 / 255, stepSize: 2 / 255, steps, restarts: 1, n: 4,
  testSetSize: 100, subset: 'first-n', seed: 0, parts: null });
const base = { attack: 'pgd', stepSize: 2 / 255, eps: 8 / 255, seed: 0, checkpointEpoch: 1, seconds: 1, n: 4, cleanAccuracy: 0.75 };

describe('evaluation iterations (store migration v7)', () => {
  it('a version-6 store migrates; its old evaluation reads iterations null, breakingIteration null and no flags', () => {
    const file = path.join(dir, 'v6.db');
    storeAtVersion(file, 6, (raw) => {
      raw.prepare(`INSERT INTO runs (id, name, config, seed, status, created_at, updated_at, epochs_total) VALUES ('old', 'old', '{}', 0, 'completed', 't', 't', 1)`).run();
      raw.prepare(`INSERT INTO evaluations (run_id, attack, eps, steps, step_size, n, seed, checkpoint_epoch, clean_accuracy, robust_accuracy, seconds, outcomes, created_at)
        VALUES ('old', 'pgd', 0.03, 10, 0.008, 2, 0, 1, 1, 0.5, 1, ?, 't')`).run(Buffer.from([1, 0]));
    });
    const s = new Store(file);
    try {
      const [e] = s.evaluations('old');
      expect(e.iterations).toBeNull();
      expect(e.flags).toEqual([]);
      expect(s.evaluationExamples(e.id)!.breakingIteration).toBeNull();
    } finally { s.close(); }
    expect(userVersion(file)).toBe(SCHEMA_VERSION);
  });

  it('PGD-1 (record: 1 image left at iteration 1) and PGD-5 (record 1, 2, 5) of 4 images keep their records through a reopen; PGD-1 carries still-falling twice, the CSV the breaking iterations', () => {
    const file = path.join(dir, 'a.db');
    let s = new Store(file);
    const run = s.createRun({ name: 'x', group: null, config, seed: 0, epochsTotal: 1 });
    const one = s.addEvaluation({ ...base, runId: run.id, steps: 1, robustAccuracy: 0.5, protocol: protocol(1), outcomes: new Uint8Array([1, 1, 0, 0]),
      iterations: [{ run: 0, iteration: 1, total: 1, robustAccuracy: 0.5 }], breakingIteration: new Float64Array([Number.NaN, Number.NaN, 0, 1]) });
    const fivePts = [{ run: 0, iteration: 1, total: 1, robustAccuracy: 0.5 }, { run: 0, iteration: 2, total: 2, robustAccuracy: 0.5 }, { run: 0, iteration: 5, total: 5, robustAccuracy: 0.25 }];
    const five = s.addEvaluation({ ...base, runId: run.id, steps: 5, robustAccuracy: 0.25, protocol: protocol(5), outcomes: new Uint8Array([1, 0, 0, 0]),
      iterations: fivePts, breakingIteration: new Float64Array([Number.NaN, 5, 0, 1]) });
    s.close();
    s = new Store(file);
    try {
      const rows = s.evaluations(run.id);
      expect(rows.map((e) => e.id)).toEqual([one, five]);
      expect(rows[1].iterations).toEqual(fivePts);
      // PGD-1: clean 75 % -> 50 % over its only interval, and PGD-5 lower by 25 %; PGD-5: 50 % -> 25 % over 2 -> 5.
      expect(rows[0].flags.map((f) => [f.kind, f.relatedIds])).toEqual([['still-falling', []], ['still-falling', [five]]]);
      expect(rows[1].flags.map((f) => [f.kind, f.relatedIds])).toEqual([['still-falling', []]]);
      expect(s.evaluationExamples(five)!.breakingIteration).toEqual([null, 5, 0, 1]);
      const lines = examplesCsv(s, [run.id]).csv.trim().split('\n').filter((l) => l.split(',')[1] === String(five));
      expect(lines.map((l) => l.split(',').at(-1))).toEqual(['', '5', '0', '1']);
    } finally { s.close(); }
  });

  it('a damaged iterations cell is refused naming the run, the evaluation and the column; a breakingIteration of the wrong length is refused', () => {
    const file = path.join(dir, 'b.db');
    const s = new Store(file);
    const run = s.createRun({ name: 'x', group: null, config, seed: 0, epochsTotal: 1 });
    expect(() => s.addEvaluation({ ...base, runId: run.id, steps: 1, robustAccuracy: 0.5, protocol: protocol(1), outcomes: new Uint8Array(4),
      breakingIteration: new Float64Array(3) })).toThrow(/breakingIteration holds 3 values for n = 4/);
    const id = s.addEvaluation({ ...base, runId: run.id, steps: 1, robustAccuracy: 0.5, protocol: protocol(1), outcomes: new Uint8Array(4) });
    s.close();
    const raw = new Database(file);
    raw.prepare('UPDATE evaluations SET iterations = ? WHERE id = ?').run('[{"run":0}]', id);
    raw.close();
    const t = new Store(file);
    try {
      expect(() => t.evaluations(run.id)).toThrow(new RegExp(`run ${run.id}: the stored evaluations.iterations \\(evaluation ${id}\\) is not a per-iteration record`));
    } finally { t.close(); }
  });
});
