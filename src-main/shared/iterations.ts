/**
 * The attack-iteration axis of an evaluation (an axis of its own, beside training steps): robust
 * accuracy at iteration checkpoints 1, 2, 5, 10, 20, 50, ... and the last iteration of each pass of
 * an attack's restart / target loop. TensorFlow-free: the engine records it, the store keeps it as
 * JSON, the sanity flags (./sanity-flags.ts) and the renderer read it.
 */
import { z } from 'zod';

/** Iterations 1, 2, 5, 10, 20, 50, ... (1-2-5 per decade) not above `steps`, and `steps` itself.  steps >= 1 */
export function iterationCheckpoints(steps: number): number[] {
  if (!(Number.isInteger(steps) && steps >= 1)) throw new Error(`iterationCheckpoints: steps must be a whole number >= 1, got ${JSON.stringify(steps)}`);
  const out: number[] = [];
  for (let decade = 1; decade <= steps; decade *= 10) {
    for (const m of [1, 2, 5]) if (m * decade < steps) out.push(m * decade);
  }
  out.push(steps);
  return out;
}

export const IterationPointSchema = z.object({
  /** Pass of the restart / target loop, 0-based (PGD: restart; mPGD: target x restart; APGD-T, FAB-T: target). */
  run: z.number().int().min(0),
  /** Iterations (Square: queries) done within the pass, 1-based. */
  iteration: z.number().int().min(1),
  /** Attack iterations spent across passes so far: run * steps + iteration (the x of the curve). */
  total: z.number().int().min(1),
  /** Fraction of the n images still robust at this checkpoint. */
  robustAccuracy: z.number().min(0).max(1),
});
export const IterationPointsSchema = z.array(IterationPointSchema);
