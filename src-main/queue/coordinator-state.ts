/**
 * What the coordinator's pieces (worker-api.ts, remote-train.ts, reconcile.ts, coordinator.ts) share: the
 * service's store and events, the coordinator's identity as the runs' owner, and its in-memory bookkeeping
 * (pending cancels per worker, the last record seen per lease, live progress). The store stays the truth:
 * everything here may be lost with a restart and is re-derived.
 */
import type { Store } from '../store/store.js';
import type { Owner } from '../store/base.js';
import type { EventHub } from '../service/events.js';
import type { TrainProgress } from '../service/train-recorder.js';
import type { BullQueues } from './bull.js';
import type { ClaimReply, TaskResult } from './wire.js';

export interface CoordinatorState {
  store: Store;
  events: EventHub;
  owner: Owner;
  token: string;
  keepCheckpoints: number;
  version: string;
  bull: BullQueues;
  log: (message: string) => void;
  /** When this coordinator started (ms): workers are judged lost only after WORKER_LOST_MS of its own life. */
  startedAt: number;
  /** Runs whose cancel waits for their worker's next heartbeat (run id -> worker id). */
  cancels: Map<string, string>;
  /** The highest record seq applied per lease (a retried record answers applied: false). */
  leaseSeq: Map<string, number>;
  progress: Map<string, TrainProgress>;
  /** Checkpoints verified on upload: `<run>:<epoch>` -> their SHA-256 and size (the record that follows names them). */
  uploads: Map<string, { sha256: string; size: number }>;
  /** Remote evaluations and analyses (remote-task.ts), set once the state exists. */
  tasks: RemoteTaskDesk;
}

/** What the worker API and the reconcile loop need of the remote tasks. */
export interface RemoteTaskDesk {
  claim(workerId: string, runId: string, taskId: number): ClaimReply;
  result(t: TaskResult): { applied: boolean };
  reconcile(): Promise<void>;
}

/** The runs' status events, as the local queue sends them. */
export function emitStatus(s: CoordinatorState, id: string): void {
  const r = s.store.getRun(id);
  if (r) s.events.emit('run:status', { id, status: r.status, error: r.error });
}
