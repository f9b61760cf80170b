/**
 * Relays a training thread's messages (service/protocol.ts FromWorker) to the coordinator as
 * TrainRecords, strictly in order, one at a time, each retried while the coordinator is unreachable,
 * so nothing is lost and nothing is reordered. Steps are not sent alone: they ride with the next
 * epoch (or the run's end). A checkpoint's file is uploaded (PUT) first and its record sent only
 * after the upload succeeded, so the coordinator never records a checkpoint it does not hold.
 * A 409 means another worker holds the run now: the relay stops and reports the lease lost.
 */
import fs from 'node:fs';
import type { FromWorker } from '../service/protocol.js';
import type { CoordinatorClient } from './coordinator-client.js';
import { RetryAborted, retry, type Reachability } from './retry.js';
import { resolveInside } from '../store/paths.js';

type StepMessage = Extract<FromWorker, { kind: 'step' }>;
/** What a training thread may post; `dataset` carries the dataset fingerprint the coordinator checks. */
export type TrainMessage = FromWorker | { kind: 'dataset'; fingerprint: string };

export interface RelayOptions {
  client: Pick<CoordinatorClient, 'record' | 'putCheckpoint'>;
  reach: Reachability;
  runId: string;
  lease: string;
  /** The local folder the thread writes checkpoints under (its TrainJob.home). */
  home: string;
  /** Called once when the coordinator answers 409 (the thread must stop; the job is dropped). */
  onLeaseLost: (why: string) => void;
  /** Called when a record fails for good (a 400: the coordinator refused it); the run cannot go on here. */
  onFatal: (err: Error) => void;
  /** Test seams for the backoff. */
  sleep?: (ms: number) => Promise<void>;
}

export class RecordRelay {
  private seq = 0;
  private steps: StepMessage[] = [];
  private tail: Promise<void> = Promise.resolve();
  private stopped = false;
  private lost: string | null = null;
  /** Records sent and accepted (applied or already applied). */
  delivered = 0;

  constructor(private readonly o: RelayOptions) {}

  /** The reason the lease was lost, or null. */
  get leaseLost(): string | null { return this.lost; }

  /** Queues one message; returns at once (the sending happens in order behind it). */
  push(m: TrainMessage): void {
    if (this.stopped) return;
    if (m.kind === 'step') { this.steps.push(m); return; }
    const carries = m.kind === 'epoch' || m.kind === 'done' || m.kind === 'error';
    const steps = carries ? this.steps : [];
    if (carries) this.steps = [];
    this.tail = this.tail.then(() => this.deliver(m, steps));
  }

  /** Resolves when every queued record is delivered, or the relay stopped (lease lost, aborted, fatal). */
  drained(): Promise<void> { return this.tail; }

  /** Gives up on what is still queued (shutdown: the run resumes elsewhere from its last uploaded checkpoint). */
  abort(): void { this.stopped = true; }

  private async deliver(m: TrainMessage, steps: StepMessage[]): Promise<void> {
    if (this.stopped) return;
    const shouldStop = (): boolean => this.stopped;
    try {
      if (m.kind === 'checkpoint') {
        const file = resolveInside(this.o.home, m.file, 'RecordRelay');
        const bytes = fs.readFileSync(file);
        await retry(() => this.o.client.putCheckpoint({ runId: this.o.runId, lease: this.o.lease, epoch: m.epoch, globalStep: m.globalStep, sha256: m.sha256 }, bytes),
          { what: `PUT /worker/checkpoint (run ${this.o.runId}, epoch ${m.epoch})`, reach: this.o.reach, shouldStop, sleep: this.o.sleep });
      }
      const seq = this.seq;
      const record = { runId: this.o.runId, lease: this.o.lease, seq, message: m, ...(steps.length > 0 ? { steps } : {}) };
      const outcome = await retry(() => this.o.client.record(record),
        { what: `POST /worker/record (run ${this.o.runId}, ${m.kind}, seq ${seq})`, reach: this.o.reach, shouldStop, sleep: this.o.sleep });
      if (outcome === 'lease-lost') throw new LeaseLost(`the coordinator gave run ${this.o.runId} to another worker (409 on record ${seq}, ${m.kind})`);
      this.seq++;
      this.delivered++;
      // Uploaded and recorded: the coordinator holds it; a resume downloads it again.
      if (m.kind === 'checkpoint') fs.rmSync(resolveInside(this.o.home, m.file, 'RecordRelay'), { force: true });
    } catch (err) {
      if (err instanceof RetryAborted) return;
      this.stopped = true;
      const e = err as Error & { conflict?: boolean };
      if (err instanceof LeaseLost || e.conflict === true) {
        this.lost = e.message;
        this.o.onLeaseLost(e.message);
      } else {
        this.o.onFatal(new Error(`RecordRelay(run ${this.o.runId}): ${e.message}`));
      }
    }
  }
}

class LeaseLost extends Error {
  override name = 'LeaseLost';
}
