/**
 * Where an evaluation's or an analysis's engine job runs: on a worker thread of this process (the default),
 * or, in distributed mode, on a remote `ascl worker` (queue/remote-task.ts) that sends the same result message
 * back. The features store the outcome with the same code either way; only this step is injected.
 */
import type { AnalysisOutcome, EvalOutcome } from '../shared/rows.js';
import { runAnalyzeJob, runEvalGridJob, runEvalJob, type EvalProgress } from './eval-job.js';
import type { AnalyzeJob, EvalJob } from './protocol.js';

/**
 * The stored task a job belongs to (evals:start, analysis:start); a job without one (the CLI's) always runs here.
 * `threads`: the cores the run queue gave it, for a job that runs here (a remote worker decides its own).
 */
export interface TaskPlacement { runId: string; taskId: number; threads?: number }

export interface JobRunner {
  eval(job: EvalJob, onProgress?: (p: EvalProgress) => void, at?: TaskPlacement): Promise<EvalOutcome>;
  evalGrid(job: EvalJob & { epsGrid: number[] }, onProgress?: (p: EvalProgress) => void, at?: TaskPlacement): Promise<EvalOutcome[]>;
  analyze(job: AnalyzeJob, onProgress?: (p: EvalProgress) => void, at?: TaskPlacement): Promise<AnalysisOutcome>;
}

/** The job with the placement's thread count, where it has one. */
function placed<J extends EvalJob | AnalyzeJob>(job: J, at: TaskPlacement | undefined): J {
  return at?.threads === undefined ? job : { ...job, threads: at.threads };
}

export const localRunner: JobRunner = {
  eval: (job, onProgress, at) => runEvalJob(placed(job, at), onProgress).done,
  evalGrid: (job, onProgress, at) => runEvalGridJob(placed(job, at), onProgress).done,
  analyze: (job, onProgress, at) => runAnalyzeJob(placed(job, at), onProgress).done,
};
