/**
 * The reference's restart / target loop (autopgd_base.py perturb, fab_base.py perturb, square.py
 * perturb): each run attacks only the points that are classified correctly and that no earlier
 * run has broken, and a broken point keeps the example of the run that broke it.
 */
import { tf } from '../tf.js';
import type { LogitsFn } from '../models/model.js';
import { RowBuffer, gatherLabels, gatherRows, labelsOf, predictLabels } from './batch-ops.js';

/**
 * Runs `runOnce` (an attack on a subset, returning its adversarial examples) up to `runs` times,
 * each time only on the points of x still classified correctly; returns the merged examples.
 */
export async function untilBroken(
  f: LogitsFn, x: tf.Tensor4D, y: tf.Tensor1D, runs: number,
  runOnce: (xs: tf.Tensor4D, ys: tf.Tensor1D, run: number, idx: number[]) => Promise<tf.Tensor4D>,
): Promise<tf.Tensor4D> {
  const labels = await labelsOf(y);
  const clean = await predictLabels(f, x);
  let todo: number[] = [];
  for (let i = 0; i < labels.length; i++) if (clean[i] === labels[i]) todo.push(i);
  const out = await RowBuffer.of(x);
  for (let run = 0; run < runs && todo.length > 0; run++) {
    const xs = gatherRows(x, todo);
    const ys = gatherLabels(y, todo);
    const adv = await runOnce(xs, ys, run, todo);
    const pred = await predictLabels(f, adv);
    const ysArr = Int32Array.from(todo, (i) => labels[i]); // ys = y[todo]
    // Broken points keep this run's example; the last run's example is kept for the rest.
    const write: number[] = [];
    const still: number[] = [];
    for (let r = 0; r < todo.length; r++) {
      if (pred[r] !== ysArr[r] || run === runs - 1) write.push(r);
      if (pred[r] === ysArr[r]) still.push(todo[r]);
    }
    await out.write(adv, todo, write);
    tf.dispose([xs, ys, adv]);
    todo = still;
  }
  return out.toTensor();
}
