/** Store migration v6: per-example data (clean correct, labels, smallest breaking grid eps) beside the outcomes; older stores keep opening. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { storeAtVersion, userVersion } from './raw-db.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store, SCHEMA_VERSION } from '../../src-main/store/index.js';
import { parseRunConfig } from '../../src-main/shared/run-config.js';
import { examplesCsv } from '../../src-main/service/examples-export.js';

let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ascl-examples-')); });
afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

const config = parseRunConfig({ dataset: 'synthetic', model: 'small-cnn', defense: 'nat', seed: 0, epochs: 1 });
const base = { attack: 'pgd', steps: 10, stepSize: 2 / 255, seed: 0, checkpointEpoch: 1, seconds: 1, protocol: null };

describe('evaluation per-example data (store migration v6)', () => {
  it('a version-5 store with an evaluation migrates to the current version; the old row keeps its outcomes and reads clean correct, labels and breaking eps as null', () => {
    const file = path.join(dir, 'v5.db');
    storeAtVersion(file, 5, (raw) => {
      raw.prepare(`INSERT INTO runs (id, name, config, seed, status, created_at, updated_at, epochs_total) VALUES ('old', 'old', '{}', 0, 'completed', 't', 't', 1)`).run();
      raw.prepare(`INSERT INTO evaluations (run_id, attack, eps, steps, step_size, n, seed, checkpoint_epoch, clean_accuracy, robust_accuracy, seconds, outcomes, created_at)
        VALUES ('old', 'pgd', 0.03, 10, 0.008, 3, 0, 1, 1, 0.333, 1, ?, 't')`).run(Buffer.from([1, 0, 0]));
    });
    const s = new Store(file);
    try {
      expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(6);
      const [e] = s.evaluations('old');
      expect(s.evaluationExamples(e.id)).toEqual({ outcomes: new Uint8Array([1, 0, 0]), cleanCorrect: null, labels: null, breakingEps: null, breakingIteration: null,
        cleanPred: null, advPred: null, batchSize: null });
      expect(examplesCsv(s, ['old']).csv.trim().split('\n').slice(1)).toEqual([`old,${e.id},pgd,0.03,,0,,,1,,`, `old,${e.id},pgd,0.03,,1,,,0,,`, `old,${e.id},pgd,0.03,,2,,,0,,`]);
    } finally { s.close(); }
    expect(userVersion(file)).toBe(SCHEMA_VERSION);
  });

  it('a new evaluation of 5 images keeps outcomes, clean correct, labels (Int32) and breaking eps (NaN = robust at every eps) through a reopen, and the CSV equals them', () => {
    const file = path.join(dir, 'a.db');
    let s = new Store(file);
    const run = s.createRun({ name: 'x', group: null, config, seed: 0, epochsTotal: 1 });
    const outcomes = new Uint8Array([1, 0, 0, 1, 0]);
    const cleanCorrect = new Uint8Array([1, 1, 0, 1, 1]);
    const labels = new Int32Array([3, 7, 0, 9, 70_000]);
    const breakingEps = new Float64Array([Number.NaN, 4 / 255, 0, Number.NaN, 2 / 255]);
    const id = s.addEvaluation({ ...base, runId: run.id, eps: 8 / 255, n: 5, cleanAccuracy: 0.8, robustAccuracy: 0.4, outcomes, cleanCorrect, labels, breakingEps });
    s.close();
    s = new Store(file);
    try {
      expect(s.evaluationExamples(id)).toEqual({ outcomes, cleanCorrect, labels, breakingEps: [null, 4 / 255, 0, null, 2 / 255], breakingIteration: null, cleanPred: null, advPred: null, batchSize: null });
      const lines = examplesCsv(s, [run.id]).csv.trim().split('\n');
      expect(lines[0]).toBe('runId,evalId,attack,eps,gridId,index,label,cleanCorrect,robust,smallestBreakingEps,breakingIteration');
      lines.slice(1).forEach((l, i) => {
        const c = l.split(',');
        expect(c[0]).toBe(run.id);
        expect(Number(c[1])).toBe(id);
        expect(Number(c[3])).toBe(8 / 255);
        expect(Number(c[5])).toBe(i);
        expect(Number(c[6])).toBe(labels[i]);
        expect(Number(c[7])).toBe(cleanCorrect[i]);
        expect(Number(c[8])).toBe(outcomes[i]);
        expect(c[9] === '' ? null : Number(c[9])).toBe(Number.isNaN(breakingEps[i]) ? null : breakingEps[i]);
      });
      expect(lines.length).toBe(6);
    } finally { s.close(); }
  });

  it('v9: clean and adversarial predictions (Int32, 5 images) and the attack batch size (2) are stored and read back through a reopen', () => {
    const file = path.join(dir, 'c.db');
    let s = new Store(file);
    const run = s.createRun({ name: 'x', group: null, config, seed: 0, epochsTotal: 1 });
    const cleanPred = new Int32Array([3, 7, 1, 9, 4]);
    const advPred = new Int32Array([3, 2, 1, 9, 8]);
    const id = s.addEvaluation({ ...base, runId: run.id, eps: 8 / 255, n: 5, cleanAccuracy: 0.8, robustAccuracy: 0.4, outcomes: new Uint8Array([1, 0, 0, 1, 0]),
      cleanPred, advPred, batchSize: 2 });
    s.close();
    s = new Store(file);
    try {
      const x = s.evaluationExamples(id)!;
      expect([x.cleanPred, x.advPred, x.batchSize]).toEqual([cleanPred, advPred, 2]);
    } finally { s.close(); }
  });

  it('a per-example array whose length is not n (4 labels for n = 5) is refused, naming the field', () => {
    const s = new Store(path.join(dir, 'b.db'));
    try {
      const run = s.createRun({ name: 'x', group: null, config, seed: 0, epochsTotal: 1 });
      expect(() => s.addEvaluation({ ...base, runId: run.id, eps: 0.03, n: 5, cleanAccuracy: 1, robustAccuracy: 1, outcomes: new Uint8Array(5).fill(1),
        labels: new Int32Array(4) })).toThrow(/labels holds 4 values for n = 5/);
    } finally { s.close(); }
  });
});
