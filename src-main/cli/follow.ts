/**
 * Follows one run of a service until it ends: a cli-progress bar on a terminal, JSON lines
 * otherwise (one `start`, throttled `progress`, one `epoch` per finished epoch, one `end`).
 * Ctrl-C cancels the run (it stays resumable) instead of killing it mid-write.
 */
import cliProgress from 'cli-progress';
import type { RunStatus } from '../shared/channels.js';
import type { AppService } from '../service/app-service.js';
import { EXIT, formatDuration, jsonLine, printable } from './common.js';

const JSON_PROGRESS_MS = 1000;

export async function followRun(service: AppService, runId: string, o: { json: boolean; verb: string }): Promise<number> {
  const tty = !o.json && process.stderr.isTTY === true;
  const run = service.store.requireRun(runId);
  if (tty) process.stdout.write(`${o.verb} run ${runId} (${printable(run.name)}); store ${service.store.dbPath}\n`);
  else jsonLine({ event: 'start', runId, name: run.name, epochs: run.epochsTotal, db: service.store.dbPath });

  const bar = tty ? new cliProgress.SingleBar({
    format: 'epoch {epoch}/{epochs} |{bar}| {percentage}% | loss {loss} | {sps} samples/s | ETA {etaText}',
    hideCursor: true, stream: process.stderr,
  }, cliProgress.Presets.shades_classic) : null;
  let barStarted = false;
  let lastJson = 0;
  /** The error of the run's last status event: the outcome even when a full disk kept it out of the store. */
  let eventError: string | null = null;
  const offs = [
    service.on('run:status', (e) => { if (e.id === runId) eventError = e.error; }),
    service.on('run:progress', (p) => {
      if (p.id !== runId) return;
      if (bar) {
        const total = run.epochsTotal * p.stepsPerEpoch;
        const payload = { epoch: p.epoch, epochs: run.epochsTotal, loss: p.loss.toFixed(4), sps: p.samplesPerSecond.toFixed(0), etaText: formatDuration(p.etaSeconds) };
        if (!barStarted) { bar.start(total, p.step + 1, payload); barStarted = true; } else bar.update(p.step + 1, payload);
      } else if (Date.now() - lastJson >= JSON_PROGRESS_MS) {
        lastJson = Date.now();
        jsonLine({ event: 'progress', runId, epoch: p.epoch, step: p.step, stepInEpoch: p.stepInEpoch, stepsPerEpoch: p.stepsPerEpoch,
          loss: p.loss, samplesPerSecond: p.samplesPerSecond, etaSeconds: p.etaSeconds });
      }
    }),
    service.on('run:epoch', (e) => {
      if (e.id !== runId) return;
      if (bar) {
        bar.stop(); barStarted = false;
        process.stderr.write(`epoch ${e.row.epoch}: nat ${(e.row.natAccuracy * 100).toFixed(2)}%  pgd (monitoring) ${(e.row.pgdAccuracy * 100).toFixed(2)}%  ` +
          `train ${(e.row.trainAccuracy * 100).toFixed(2)}%  ` +
          `${e.row.deadLatentFraction == null ? '' : `dead latent ${(e.row.deadLatentFraction * 100).toFixed(0)}%  `}${e.row.seconds.toFixed(1)} s\n`);
        if (e.row.collapseWarning) process.stderr.write(`warning: epoch ${e.row.epoch}: ${e.row.collapseWarning}\n`);
      } else {
        jsonLine({ event: 'epoch', runId, ...e.row });
        if (e.row.collapseWarning) process.stderr.write(`ascl: warning: run ${runId}, epoch ${e.row.epoch}: ${e.row.collapseWarning}\n`);
      }
    }),
  ];

  let interrupted = false;
  const onSignal = (): void => {
    if (interrupted) return;
    interrupted = true;
    process.stderr.write(`\nstopping run ${runId} after the current step (resume it with: ascl resume ${runId})\n`);
    void service['runs:cancel']({ id: runId }).catch(() => {});
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let status: RunStatus;
  try {
    status = await service.waitForRun(runId);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    for (const off of offs) off();
    if (barStarted) bar?.stop();
  }
  const stored = service.store.getRun(runId);
  const final = { epochsDone: stored?.epochsDone ?? 0, epochsTotal: stored?.epochsTotal ?? run.epochsTotal, backend: stored?.backend ?? null,
    error: eventError ?? stored?.error ?? null };
  if (tty) {
    process.stdout.write(`run ${runId} ${status} after ${final.epochsDone}/${final.epochsTotal} epochs${final.error ? `: ${printable(final.error)}` : ''}\n`);
  } else {
    jsonLine({ event: 'end', runId, status, epochsDone: final.epochsDone, epochsTotal: final.epochsTotal, backend: final.backend, error: final.error });
  }
  if (status === 'completed') return EXIT.ok;
  if (status === 'cancelled' && interrupted) return EXIT.interrupted;
  if ((status === 'failed' || status === 'interrupted') && !tty) process.stderr.write(`ascl: run ${runId} ${status}: ${printable(final.error ?? 'unknown error')}\n`);
  return EXIT.failed;
}
