/**
 * What a training thread's messages write to the store, in one place for both the run trained here
 * (train-job.ts) and the run trained by a remote worker (queue/remote-train.ts): so a remote run is
 * stored exactly as a local one. Step rows are buffered and written in the same transaction as the
 * epoch row that follows them. The end of a run (`done`, `error`) is the caller's: it settles once.
 */
import type { EpochRow } from '../shared/rows.js';
import type { BackendName } from '../shared/options.js';
import type { Store } from '../store/store.js';
import type { StepRow } from '../store/rows.js';
import type { EventHub } from './events.js';
import type { FromWorker } from './protocol.js';
import { fingerprintMismatch } from './dataset-fingerprint.js';

export interface RecorderContext {
  store: Store;
  events: EventHub;
  keepCheckpoints: number;
  log: (message: string) => void;
  onBackend?: (b: BackendName) => void;
}

export interface TrainProgress { epoch: number; step: number; stepInEpoch: number; stepsPerEpoch: number; etaSeconds: number | null }

/** The messages a recorder applies (the rest are the caller's). */
export type RecordedMessage = Extract<FromWorker, { kind: 'started' | 'resumed' | 'dataset' | 'step' | 'epoch' | 'checkpoint' | 'selection' }>;

const PROGRESS_EVENT_MS = 250;

export class TrainRecorder {
  progress: TrainProgress | null = null;
  private steps: StepRow[] = [];
  private lastProgressEvent = 0;
  private started = { time: 0, step: -1 };

  constructor(readonly runId: string, private readonly ctx: RecorderContext, private readonly epochsTotal: number) {}

  /**
   * Applies one message; answers the failure message when the run must fail (a non-finite loss, other data
   * than the run's), else null. `live`: steps also update the progress and its events (a remote run's steps
   * arrive with their epoch, after the fact; its live progress comes from the broker).
   */
  apply(m: RecordedMessage, live = true): string | null {
    const { store, events } = this.ctx;
    switch (m.kind) {
      case 'started':
        store.setBackend(this.runId, m.backend, m.device);
        this.ctx.onBackend?.(m.backend);
        return null;
      case 'resumed':
        store.truncateAfter(this.runId, m.epoch, m.globalStep);
        for (const s of m.skipped) this.ctx.log(`run ${this.runId}: skipped a checkpoint: ${s}`);
        if (m.epoch > 0) this.ctx.log(`run ${this.runId}: resuming after epoch ${m.epoch} (step ${m.globalStep})`);
        return null;
      case 'dataset': {
        const stored = store.requireRun(this.runId).datasetFingerprint;
        if (stored !== null && stored !== m.fingerprint) return fingerprintMismatch(this.runId, stored, m.fingerprint);
        if (stored === null) store.setDatasetFingerprint(this.runId, m.fingerprint);
        return null;
      }
      case 'step':
        if (!Number.isFinite(m.m.loss)) return `train: the loss became ${m.m.loss} at epoch ${m.m.epoch}, step ${m.m.step}; try a lower learning rate`;
        this.steps.push({ epoch: m.m.epoch, step: m.m.step, time: m.time,
          values: { ...m.m.terms, loss: m.m.loss, learningRate: m.m.learningRate, samplesPerSecond: m.m.samplesPerSecond } });
        if (live) this.updateProgress(m);
        return null;
      case 'epoch': {
        const row: EpochRow = { epoch: m.m.epoch, natAccuracy: m.m.natAccuracy, pgdAccuracy: m.m.pgdAccuracy,
          trainAccuracy: m.m.trainAccuracy, learningRate: m.m.learningRate, seconds: m.m.seconds, terms: m.m.terms,
          deadLatentFraction: m.m.deadLatentFraction, collapseWarning: m.m.collapseWarning };
        const steps = this.steps;
        this.steps = [];
        store.appendMetrics(this.runId, steps, row);
        const { rdiv, d_plus: dPlus, d_minus: dMinus } = m.m.terms;
        if (Number.isFinite(rdiv) && Number.isFinite(dPlus) && Number.isFinite(dMinus)) store.setRdivEpoch(this.runId, [{ epoch: row.epoch, dPlus, dMinus, rdiv }]);
        events.emit('run:epoch', { id: this.runId, row });
        return null;
      }
      case 'checkpoint':
        store.addCheckpoint({ runId: this.runId, epoch: m.epoch, globalStep: m.globalStep, file: m.file, size: m.size, sha256: m.sha256 });
        store.pruneCheckpoints(this.runId, this.ctx.keepCheckpoints);
        return null;
      case 'selection':
        store.addSelection(this.runId, m.s);
        return null;
    }
  }

  /** Drops buffered steps (a remote epoch already stored: its steps are too). */
  dropSteps(): void { this.steps = []; }

  /** Writes buffered steps now (periodically, and before the run settles). */
  flushSteps(): void {
    if (this.steps.length === 0) return;
    const steps = this.steps;
    this.steps = [];
    this.ctx.store.appendMetrics(this.runId, steps);
  }

  private updateProgress(m: Extract<FromWorker, { kind: 'step' }>): void {
    const { epoch, step, stepInEpoch, stepsPerEpoch, loss, samplesPerSecond } = m.m;
    if (this.started.step < 0) this.started = { time: m.time, step };
    const total = this.epochsTotal * stepsPerEpoch;
    const doneSteps = step - this.started.step;
    const perStep = doneSteps > 0 ? (m.time - this.started.time) / 1000 / doneSteps : null;
    const etaSeconds = perStep === null ? null : Math.max(0, (total - step - 1) * perStep);
    this.progress = { epoch, step, stepInEpoch, stepsPerEpoch, etaSeconds };
    if (m.time - this.lastProgressEvent >= PROGRESS_EVENT_MS || stepInEpoch + 1 === stepsPerEpoch) {
      this.lastProgressEvent = m.time;
      this.ctx.events.emit('run:progress', { id: this.runId, epoch, step, stepInEpoch, stepsPerEpoch, loss, samplesPerSecond, etaSeconds });
    }
  }
}
