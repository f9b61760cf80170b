/**
 * The per-iteration record of an attack (the attack-iteration axis, shared/iterations.ts). Attacks
 * report, at the checkpoints of iterationCheckpoints(steps) of each pass of their restart / target
 * loop, which of the rows they attack are still robust; the IterationRecorder merges the reports of
 * every batch into robust accuracy per checkpoint and, per image, the checkpoint from which it stays
 * broken. Recording only reads predictions of iterates the attack computes anyway: it never changes
 * an attack's random draws, steps or result (test/attacks/iterations.test.ts).
 */
import type { IterationPoint } from '../../shared/rows.js';

/** Where an attack reports: at (run, iteration), robust[r] = 1 where row rows[r] of the attacked tensor is still robust. */
export interface IterationSink {
  record(run: number, iteration: number, rows: ArrayLike<number>, robust: ArrayLike<number>): void;
}

/** One pass's reporter inside an attack: robust flags of every row the pass attacks, at iteration k (1-based).  robust: [rows] */
export type PassTrace = (iteration: number, robust: ArrayLike<number>) => void;

/** The sink of a subset: row r of the subset is row idx[r] of the sink's tensor. */
export function mappedSink(sink: IterationSink, idx: ArrayLike<number>): IterationSink {
  return { record: (run, iteration, rows, robust) => sink.record(run, iteration, Array.from(rows, (r) => idx[r]), robust) };
}

/** The reporter of pass `run` over rows `rows` of the sink's tensor (absent sink: nothing recorded). */
export function passTrace(sink: IterationSink | undefined, run: number, rows: ArrayLike<number>): PassTrace | undefined {
  return sink ? (iteration, robust) => sink.record(run, iteration, rows, robust) : undefined;
}

/** 1 where predictions equal the labels (still robust).  [m] */
export function stillRobust(pred: ArrayLike<number>, labels: ArrayLike<number>): Uint8Array {
  return Uint8Array.from({ length: pred.length }, (_, r) => (pred[r] === labels[r] ? 1 : 0));
}

export interface IterationRecord {
  /** Robust accuracy per checkpoint, in the order the attack runs them. */
  points: IterationPoint[];
  /** Per image, the total iterations (run * steps + iteration) of the checkpoint from which it is broken at every later
   * checkpoint; 0 for a clean-misclassified image; NaN for an image robust at the end.  [n] */
  breakingIteration: Float64Array;
}

/** Collects the reports of an evaluation over n images (rows are image indices). */
export class IterationRecorder implements IterationSink {
  private readonly reports = new Map<string, { run: number; iteration: number; rows: number[]; robust: number[] }>();
  constructor(readonly n: number) {}

  record(run: number, iteration: number, rows: ArrayLike<number>, robust: ArrayLike<number>): void {
    if (rows.length !== robust.length) throw new Error(`IterationRecorder.record: ${rows.length} rows but ${robust.length} robust flags`);
    const key = `${run}:${iteration}`;
    let r = this.reports.get(key);
    if (!r) this.reports.set(key, r = { run, iteration, rows: [], robust: [] });
    for (let i = 0; i < rows.length; i++) {
      if (!(rows[i] >= 0 && rows[i] < this.n)) throw new Error(`IterationRecorder.record: row ${rows[i]} is outside [0, ${this.n})`);
      r.rows.push(rows[i]);
      r.robust.push(robust[i] ? 1 : 0);
    }
  }

  /**
   * The record, or null when the attack reported nothing. An image not reported at a checkpoint keeps
   * its state from the one before (broken by an earlier pass, or left out once every point of its batch
   * was broken); the start state is `initial` (clean-correct). The last checkpoint is the verdict on the
   * examples the attack returned (`final`), so the curve ends at the evaluation's robust accuracy.
   */
  finish(initial: Uint8Array, final: Uint8Array, steps: number): IterationRecord | null {
    if (this.reports.size === 0) return null;
    const n = this.n;
    if (initial.length !== n || final.length !== n) throw new Error(`IterationRecorder.finish: initial/final hold ${initial.length}/${final.length} flags for n = ${n}`);
    const order = [...this.reports.values()].sort((a, b) => a.run - b.run || a.iteration - b.iteration);
    const state = Uint8Array.from(initial);
    const brokenSince = Float64Array.from(initial, (v) => (v ? Number.NaN : 0));
    const points: IterationPoint[] = [];
    order.forEach((c, k) => {
      const total = c.run * steps + c.iteration;
      for (let i = 0; i < c.rows.length; i++) state[c.rows[i]] = c.robust[i];
      if (k === order.length - 1) state.set(final);
      let robust = 0;
      for (let i = 0; i < n; i++) {
        robust += state[i];
        if (state[i]) brokenSince[i] = Number.NaN;
        else if (Number.isNaN(brokenSince[i])) brokenSince[i] = total;
      }
      points.push({ run: c.run, iteration: c.iteration, total, robustAccuracy: robust / n });
    });
    return { points, breakingIteration: brokenSince };
  }
}
