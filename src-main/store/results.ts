/**
 * Results attached to runs: evaluations (with per-sample outcomes), R-DIV over epochs and over
 * eps, t-SNE points and the query anchors' selection snapshots. Part of the Store (./store.ts).
 */
import type { EvalRow, RdivEpochRow, RdivEpsRow, SelectionSnapshot, TsnePoint } from '../shared/rows.js';
import { EvaluationProtocolSchema, standardError, type EvaluationProtocol } from '../shared/evaluation.js';
import { StoreBase } from './base.js';
import { StoreError } from './errors.js';
import type { EvaluationExamples, EvaluationInput } from './rows.js';
import { IterationPointsSchema } from '../shared/iterations.js';
import { sanityFlags } from '../shared/sanity-flags.js';
import type { IterationPoint } from '../shared/rows.js';

/** A per-sample array as a BLOB of its bytes (platform order: little-endian on every supported machine); it must hold one value per image. */
function blob(a: Uint8Array | Int32Array | Float64Array | null | undefined, n: number, what: string): Buffer | null {
  if (!a) return null;
  if (a.length !== n) throw new Error(`addEvaluation: ${what} holds ${a.length} values for n = ${n} images`);
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

const nowIso = (): string => new Date().toISOString();

export class ResultTables extends StoreBase {
  /** A stored protocol cell; a cell that does not parse names the run, the evaluation and the problem. */
  private parseProtocol(text: string, runId: string, id: number): EvaluationProtocol {
    const value = this.parseCell<unknown>(text, { runId, table: 'evaluations', column: 'protocol', row: `evaluation ${id}` });
    const r = EvaluationProtocolSchema.safeParse(value);
    if (!r.success) {
      throw new StoreError(`run ${runId}: the stored evaluations.protocol (evaluation ${id}) is not an evaluation protocol: ` +
        `${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}; \`ascl doctor --db ${this.dbPath}\` lists every damaged value`, 'corrupt-cell');
    }
    return r.data;
  }

  addEvaluation(e: EvaluationInput): number {
    const res = this.write(`addEvaluation(run ${e.runId})`, () => this.db.prepare(`INSERT INTO evaluations (run_id, attack, eps, steps, step_size, n, seed, checkpoint_epoch, clean_accuracy,
      robust_accuracy, seconds, outcomes, protocol, created_at, clean_correct, labels, breaking_eps, iterations, breaking_iteration, clean_pred, adv_pred, batch_size)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(e.runId,
      e.attack, e.eps, e.steps, e.stepSize, e.n, e.seed, e.checkpointEpoch, e.cleanAccuracy, e.robustAccuracy, e.seconds, e.outcomes ? Buffer.from(e.outcomes) : null,
      e.protocol ? JSON.stringify(EvaluationProtocolSchema.parse(e.protocol)) : null, nowIso(), blob(e.cleanCorrect, e.n, 'cleanCorrect'),
      blob(e.labels, e.n, 'labels'), blob(e.breakingEps, e.n, 'breakingEps'),
      e.iterations ? JSON.stringify(IterationPointsSchema.parse(e.iterations)) : null, blob(e.breakingIteration, e.n, 'breakingIteration'),
      blob(e.cleanPred, e.n, 'cleanPred'), blob(e.advPred, e.n, 'advPred'), e.batchSize ?? null));
    return Number(res.lastInsertRowid);
  }

  /** The run's evaluations with their sanity flags (shared/sanity-flags.ts), computed from every stored evaluation of the run. */
  evaluations(runId: string): EvalRow[] {
    const rows = this.db.prepare('SELECT * FROM evaluations WHERE run_id = ? ORDER BY id').all(runId) as Array<{
      id: number; run_id: string; attack: string; eps: number; steps: number | null; step_size: number | null; n: number; clean_accuracy: number;
      robust_accuracy: number; seconds: number; protocol: string | null; created_at: string; checkpoint_epoch: number | null; outcomes: Buffer | null;
      iterations: string | null;
    }>;
    const out = rows.map((r): EvalRow => {
      const protocol = r.protocol === null ? null : this.parseProtocol(r.protocol, runId, r.id);
      return {
        id: r.id, runId: r.run_id, attack: r.attack, eps: r.eps, steps: r.steps, stepSize: r.step_size, n: r.n,
        testSetSize: protocol?.testSetSize ?? null,
        cleanAccuracy: r.clean_accuracy, robustAccuracy: r.robust_accuracy,
        cleanStdErr: standardError(r.clean_accuracy, r.n), robustStdErr: standardError(r.robust_accuracy, r.n),
        protocol, seconds: r.seconds, createdAt: r.created_at,
        iterations: r.iterations === null ? null : this.parseIterations(r.iterations, runId, r.id), flags: [],
      };
    });
    const flags = sanityFlags(out.map((e, i) => ({ ...e, checkpointEpoch: rows[i].checkpoint_epoch,
      outcomes: rows[i].outcomes ? new Uint8Array(rows[i].outcomes!) : null })));
    return out.map((e) => ({ ...e, flags: flags.filter((f) => f.evaluationId === e.id) }));
  }

  /** A stored iterations cell; one that does not parse names the run, the evaluation and the problem. */
  private parseIterations(text: string, runId: string, id: number): IterationPoint[] {
    const value = this.parseCell<unknown>(text, { runId, table: 'evaluations', column: 'iterations', row: `evaluation ${id}` });
    const r = IterationPointsSchema.safeParse(value);
    if (!r.success) {
      throw new StoreError(`run ${runId}: the stored evaluations.iterations (evaluation ${id}) is not a per-iteration record: ` +
        `${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}; \`ascl doctor --db ${this.dbPath}\` lists every damaged value`, 'corrupt-cell');
    }
    return r.data;
  }

  /** Evaluations with the parameters the API's EvalRow leaves out. */
  evaluationsDetailed(runId: string): Array<EvalRow & { seed: number | null; checkpointEpoch: number | null }> {
    const extra = new Map((this.db.prepare('SELECT id, seed, checkpoint_epoch FROM evaluations WHERE run_id = ?').all(runId) as Array<{
      id: number; seed: number | null; checkpoint_epoch: number | null }>).map((r) => [r.id, r]));
    return this.evaluations(runId).map((e) => {
      const x = extra.get(e.id);
      return { ...e, seed: x?.seed ?? null, checkpointEpoch: x?.checkpoint_epoch ?? null };
    });
  }

  /** Every stored step of a run, one object per step with its terms (for CSV export). */
  stepRows(runId: string): Array<{ step: number; epoch: number; time: number; values: Record<string, number | null> }> {
    const rows = this.db.prepare('SELECT step, epoch, term, value, time FROM step_metrics WHERE run_id = ? ORDER BY step, term').all(runId) as Array<{
      step: number; epoch: number; term: string; value: number | null; time: number }>;
    const out: Array<{ step: number; epoch: number; time: number; values: Record<string, number | null> }> = [];
    for (const r of rows) {
      let last = out[out.length - 1];
      if (!last || last.step !== r.step) out.push(last = { step: r.step, epoch: r.epoch, time: r.time, values: {} });
      last.values[r.term] = r.value;
    }
    return out;
  }

  /** Per-example data of evaluation `id` (null when there is no such evaluation). */
  evaluationExamples(id: number): EvaluationExamples | null {
    const r = this.db.prepare('SELECT outcomes, clean_correct, labels, breaking_eps, breaking_iteration, clean_pred, adv_pred, batch_size FROM evaluations WHERE id = ?').get(id) as {
      outcomes: Buffer | null; clean_correct: Buffer | null; labels: Buffer | null; breaking_eps: Buffer | null; breaking_iteration: Buffer | null;
      clean_pred: Buffer | null; adv_pred: Buffer | null; batch_size: number | null } | undefined;
    if (!r) return null;
    // Copies: a Buffer's bytes may sit at an offset of a shared pool, unaligned for Int32 / Float64 views.
    const bytes = (b: Buffer): ArrayBuffer => new Uint8Array(b).buffer;
    const nullable = (b: Buffer): Array<number | null> => Array.from(new Float64Array(bytes(b)), (v) => (Number.isNaN(v) ? null : v));
    return {
      outcomes: r.outcomes ? new Uint8Array(r.outcomes) : null,
      cleanCorrect: r.clean_correct ? new Uint8Array(r.clean_correct) : null,
      labels: r.labels ? new Int32Array(bytes(r.labels)) : null,
      breakingEps: r.breaking_eps ? nullable(r.breaking_eps) : null,
      breakingIteration: r.breaking_iteration ? nullable(r.breaking_iteration) : null,
      cleanPred: r.clean_pred ? new Int32Array(bytes(r.clean_pred)) : null,
      advPred: r.adv_pred ? new Int32Array(bytes(r.adv_pred)) : null,
      batchSize: r.batch_size,
    };
  }

  evaluationOutcomes(id: number): Uint8Array | null {
    const r = this.db.prepare('SELECT outcomes FROM evaluations WHERE id = ?').get(id) as { outcomes: Buffer | null } | undefined;
    return r?.outcomes ? new Uint8Array(r.outcomes) : null;
  }

  setRdivEpoch(runId: string, rows: RdivEpochRow[]): void {
    const ins = this.db.prepare('INSERT OR REPLACE INTO rdiv_epochs (run_id, epoch, d_plus, d_minus, rdiv) VALUES (?, ?, ?, ?, ?)');
    this.transaction(() => { for (const r of rows) ins.run(runId, r.epoch, r.dPlus, r.dMinus, r.rdiv); }, `setRdivEpoch(run ${runId})`);
  }

  setRdivEps(runId: string, rows: RdivEpsRow[]): void {
    const ins = this.db.prepare('INSERT OR REPLACE INTO rdiv_eps (run_id, eps, d_plus, d_minus, rdiv, robust_accuracy) VALUES (?, ?, ?, ?, ?, ?)');
    this.transaction(() => { for (const r of rows) ins.run(runId, r.eps, r.dPlus, r.dMinus, r.rdiv, r.robustAccuracy); }, `setRdivEps(run ${runId})`);
  }

  rdiv(runId: string): { epochs: RdivEpochRow[]; eps: RdivEpsRow[] } {
    const epochs = this.db.prepare('SELECT epoch, d_plus dPlus, d_minus dMinus, rdiv FROM rdiv_epochs WHERE run_id = ? ORDER BY epoch').all(runId) as RdivEpochRow[];
    const eps = this.db.prepare('SELECT eps, d_plus dPlus, d_minus dMinus, rdiv, robust_accuracy robustAccuracy FROM rdiv_eps WHERE run_id = ? ORDER BY eps').all(runId) as RdivEpsRow[];
    return { epochs, eps };
  }

  /** Replaces the run's t-SNE points. */
  setTsne(runId: string, points: TsnePoint[]): void {
    const ins = this.db.prepare('INSERT INTO tsne_points (run_id, idx, x, y, label, adversarial, entropy) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.transaction(() => {
      this.db.prepare('DELETE FROM tsne_points WHERE run_id = ?').run(runId);
      points.forEach((p, i) => ins.run(runId, i, p.x, p.y, p.label, p.adversarial ? 1 : 0, p.entropy));
    }, `setTsne(run ${runId})`);
  }

  tsne(runId: string): TsnePoint[] {
    const rows = this.db.prepare('SELECT x, y, label, adversarial, entropy FROM tsne_points WHERE run_id = ? ORDER BY idx').all(runId) as Array<{ x: number; y: number; label: number; adversarial: number; entropy: number }>;
    return rows.map((r) => ({ ...r, adversarial: r.adversarial === 1 }));
  }

  addSelection(runId: string, s: SelectionSnapshot): void {
    this.write(`addSelection(run ${runId})`, () => this.db.prepare(`INSERT OR REPLACE INTO selection_snapshots (run_id, epoch, anchor_index, anchor_label, positives, negatives)
      VALUES (?, ?, ?, ?, ?, ?)`).run(runId, s.epoch, s.anchorIndex, s.anchorLabel, JSON.stringify(s.positives), JSON.stringify(s.negatives)));
  }

  selections(runId: string): SelectionSnapshot[] {
    const rows = this.db.prepare('SELECT * FROM selection_snapshots WHERE run_id = ? ORDER BY epoch, anchor_index').all(runId) as Array<{ epoch: number; anchor_index: number; anchor_label: number; positives: string; negatives: string }>;
    const cell = (column: string, r: { epoch: number; anchor_index: number }) => ({ runId, table: 'selection_snapshots', column, row: `epoch ${r.epoch}, anchor ${r.anchor_index}` });
    return rows.map((r) => ({ epoch: r.epoch, anchorIndex: r.anchor_index, anchorLabel: r.anchor_label,
      positives: this.parseCell<SelectionSnapshot['positives']>(r.positives, cell('positives', r)),
      negatives: this.parseCell<SelectionSnapshot['negatives']>(r.negatives, cell('negatives', r)) }));
  }
}
