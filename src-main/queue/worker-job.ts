/**
 * What the worker process (queue/worker.ts) needs from a job it runs, train or task: its row in the
 * heartbeat, how it ended, and the two ways to stop it (a cancel from the UI, or this worker stopping).
 */
import type { BackendChoice } from '../shared/options.js';
import type { WorkerJobInfo } from '../shared/workers.js';
import type { EngineModules } from '../service/engine.js';
import type { CoordinatorClient } from './coordinator-client.js';
import type { Reachability } from './retry.js';

export interface JobContext {
  client: CoordinatorClient;
  reach: Reachability;
  workerId: string;
  /** The folder checkpoints are downloaded to and written in (a TrainJob's home). */
  cacheDir: string;
  /** --data-dir: where this host keeps the datasets; null: the run's own dataDir. */
  dataDir: string | null;
  backend: BackendChoice;
  engineModules?: Partial<EngineModules>;
  log: (line: string) => void;
}

/**
 * completed / cancelled: the run ended so (its records delivered); failed: the work failed (counts
 * towards --max-failures); stale: the claim was refused (409); lease-lost: another worker holds the run;
 * interrupted: this worker is stopping, the run resumes elsewhere.
 */
export interface JobOutcome {
  outcome: 'completed' | 'cancelled' | 'failed' | 'stale' | 'lease-lost' | 'interrupted';
  message: string | null;
}

export interface RunningJob {
  /** Updated in place (epoch, progress) for the heartbeat. */
  info: WorkerJobInfo;
  done: Promise<JobOutcome>;
  /** Cancelled in the UI: a training run stops after its step and ends `cancelled`; a task stops now. */
  cancel(): void;
  /** This worker stops: the thread is ended, nothing more is sent. */
  terminate(): Promise<void>;
}
