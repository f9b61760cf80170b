/**
 * One training attempt on this worker (a BullMQ `train` job the coordinator gave us a lease for):
 * downloads the checkpoint to resume from, starts service/train-worker.ts in an engine worker thread
 * (so the event loop hosting the BullMQ Worker never blocks and its lock is renewed), relays every
 * message to the coordinator in order (record-relay.ts) and reports live progress to BullMQ about
 * once a second and at every epoch's end.
 */
import type { Worker as Thread } from 'node:worker_threads';
import type { Job } from 'bullmq';
import { engineWorkerUrl, spawnEngineWorker } from '../engine/backend/worker-spawn.js';
import { readStoredConfig } from '../shared/config-migrations.js';
import type { WorkerJobInfo } from '../shared/workers.js';
import type { ToWorker, TrainJob } from '../service/protocol.js';
import { RecordRelay, type TrainMessage } from './record-relay.js';
import { dropCachedRun, fetchCheckpoint } from './checkpoint-cache.js';
import { RetryAborted } from './retry.js';
import type { JobContext, JobOutcome, RunningJob } from './worker-job.js';
import type { ClaimReply, JobProgress } from './wire.js';

const PROGRESS_MS = 1000;

type TrainClaim = Extract<ClaimReply, { kind: 'train' }>;

export function startTrain(ctx: JobContext, job: Job, runId: string, claim: TrainClaim): RunningJob {
  const info: WorkerJobInfo = { jobId: job.id ?? '?', kind: 'train', runId, taskId: null, epoch: null, progress: null };
  const stopFlag = new Int32Array(new SharedArrayBuffer(4));
  let thread: Thread | null = null;
  let ended: 'lease-lost' | 'interrupted' | 'fatal' | null = null;
  let finalMessage: Extract<TrainMessage, { kind: 'done' | 'error' }> | null = null;
  let fatal: string | null = null;
  let lastProgress = 0;
  let progressInFlight = false;
  let startedAt: { time: number; step: number } | null = null;
  let epochs = 0;

  const relay = new RecordRelay({
    client: ctx.client, reach: ctx.reach, runId, lease: claim.lease, home: ctx.cacheDir,
    onLeaseLost: (why) => { ended ??= 'lease-lost'; ctx.log(`ascl worker: run ${runId}: ${why}; dropping the job`); void thread?.terminate(); },
    onFatal: (err) => { ended ??= 'fatal'; fatal = err.message; void thread?.terminate(); },
  });

  const progress = (p: JobProgress, force: boolean): void => {
    const now = Date.now();
    if (progressInFlight || (!force && now - lastProgress < PROGRESS_MS)) return;
    lastProgress = now;
    progressInFlight = true;
    // Live progress only (never stored): a failure while Redis is down is logged, the next one tries again.
    job.updateProgress(p).catch((err: unknown) => ctx.log(`ascl worker: run ${runId}: progress not sent (${(err as Error).message})`))
      .finally(() => { progressInFlight = false; });
  };

  const onMessage = (m: TrainMessage): void => {
    if (ended !== null || finalMessage !== null) return;
    if (m.kind === 'step') {
      const s = m.m;
      if (!Number.isFinite(s.loss)) {
        // As a local run (service/train-job.ts): a diverged loss fails the run; the thread is stopped.
        finalMessage = { kind: 'error', message: `train: the loss became ${s.loss} at epoch ${s.epoch}, step ${s.step}; try a lower learning rate` };
        relay.push(finalMessage);
        void thread?.terminate();
        return;
      }
      startedAt ??= { time: m.time, step: s.step };
      const perStep = s.step > startedAt.step ? (m.time - startedAt.time) / 1000 / (s.step - startedAt.step) : null;
      const total = epochs * s.stepsPerEpoch;
      info.epoch = s.epoch;
      info.progress = Math.min(1, (s.stepInEpoch + 1) / s.stepsPerEpoch);
      progress({ epoch: s.epoch, step: s.step, stepInEpoch: s.stepInEpoch, stepsPerEpoch: s.stepsPerEpoch, loss: s.loss,
        samplesPerSecond: s.samplesPerSecond, etaSeconds: perStep === null ? null : Math.max(0, (total - s.step - 1) * perStep) },
      s.stepInEpoch + 1 === s.stepsPerEpoch);
    }
    if (m.kind === 'epoch') {
      // For the benchmark's epoch-to-UI latency (bench/distributed.ts parses this line): the record itself carries no time.
      ctx.log(`ascl worker: run ${runId}: epoch ${m.m.epoch} ended at ${Date.now()}`);
    }
    if (m.kind === 'done' || m.kind === 'error') finalMessage = m;
    relay.push(m);
  };

  const done = (async (): Promise<JobOutcome> => {
    try {
      const where = `ascl worker: run ${runId}`;
      let config;
      try {
        config = readStoredConfig(claim.config, `${where}: the coordinator's configuration`);
      } catch (err) {
        relay.push({ kind: 'error', message: (err as Error).message });
        await relay.drained();
        return { outcome: 'failed', message: (err as Error).message };
      }
      if (ctx.dataDir !== null) config = { ...config, dataDir: ctx.dataDir };
      epochs = config.epochs;
      const resume = [];
      if (claim.checkpoint !== null) {
        const c = await fetchCheckpoint(ctx.client, ctx.reach, ctx.cacheDir, claim.checkpoint, () => ended !== null);
        resume.push({ epoch: c.epoch, file: c.file, sha256: c.sha256 });
      }
      if (ended !== null) return { outcome: 'interrupted', message: 'stopped before the thread started' };
      const trainJob: TrainJob = { kind: 'train', runId, config, backend: ctx.backend, home: ctx.cacheDir, resume, engineModules: ctx.engineModules };
      const t = spawnEngineWorker(engineWorkerUrl('../service/train-worker', import.meta.url), { workerData: { job: trainJob, stopFlag }, stdout: true });
      thread = t;
      t.stdout.pipe(process.stderr);
      let threadError: string | null = null;
      t.on('message', onMessage);
      t.on('error', (err) => { threadError ??= err.message; });
      const code = await new Promise<number>((resolve) => t.on('exit', resolve));
      if (finalMessage === null && ended === null) {
        onMessage({ kind: 'error', message: `the training worker exited with code ${code} before finishing${threadError !== null ? `: ${threadError}` : ''}` });
      }
      await relay.drained();
      if (ended === 'lease-lost') return { outcome: 'lease-lost', message: relay.leaseLost };
      if (ended === 'interrupted') return { outcome: 'interrupted', message: 'the worker is stopping; the run resumes elsewhere' };
      if (ended === 'fatal') return { outcome: 'failed', message: fatal };
      const last = finalMessage as Extract<TrainMessage, { kind: 'done' | 'error' }> | null;
      if (last?.kind === 'done') return { outcome: last.status, message: null };
      return { outcome: 'failed', message: last?.message ?? 'the training thread ended without a result' };
    } catch (err) {
      if (err instanceof RetryAborted) return { outcome: 'interrupted', message: 'the worker is stopping; the run resumes elsewhere' };
      // A download that does not verify, a cache folder that cannot be written: the run fails with the reason.
      const message = `ascl worker: run ${runId}: ${(err as Error).message}`;
      relay.push({ kind: 'error', message });
      await relay.drained();
      return { outcome: ended === 'lease-lost' ? 'lease-lost' : 'failed', message };
    } finally {
      dropCachedRun(ctx.cacheDir, runId);
    }
  })();

  return {
    info,
    done,
    cancel: () => {
      Atomics.store(stopFlag, 0, 1);
      thread?.postMessage({ kind: 'stop' } satisfies ToWorker);
    },
    terminate: async () => {
      ended ??= 'interrupted';
      relay.abort();
      await thread?.terminate();
    },
  };
}
