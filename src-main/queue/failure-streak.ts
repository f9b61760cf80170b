/**
 * `ascl worker --max-failures N`: a worker whose jobs fail N times in a row stops taking jobs, so a
 * broken GPU or a missing dataset folder does not burn the whole queue (issue 10). Only real
 * failures count; a cancel, a stale claim, a lost lease or this worker's own stop neither count nor
 * reset the streak; a completed job resets it.
 */
import type { JobOutcome } from './worker-job.js';

export class FailureStreak {
  private count = 0;
  private readonly reasons: string[] = [];

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new Error(`FailureStreak: max must be an integer >= 1 (got ${max})`);
  }

  get failures(): number { return this.count; }

  /** Records a job's outcome; returns the reason to stop when the streak reached `max`, else null. */
  record(jobId: string, o: JobOutcome): string | null {
    if (o.outcome === 'completed') {
      this.count = 0;
      this.reasons.length = 0;
      return null;
    }
    if (o.outcome !== 'failed') return null;
    this.count++;
    this.reasons.push(`${jobId}: ${o.message ?? 'failed'}`);
    if (this.reasons.length > 3) this.reasons.shift();
    if (this.count < this.max) return null;
    return `${this.count} jobs failed in a row (--max-failures ${this.max}); this worker takes no more jobs. ` +
      `Last: ${this.reasons.join(' | ')}`;
  }
}
