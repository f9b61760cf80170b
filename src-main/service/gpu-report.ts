/**
 * The GPU readiness report of this machine (per GPU path, see shared/gpu-readiness.ts), computed once
 * per process in a worker thread (./gpu-worker.ts) and cached; `app:info` hands it to the UI once it is
 * there (`gpuReportIfReady`: app:info never waits for Dawn to start).
 */
import { engineWorkerUrl, spawnEngineWorker } from '../engine/backend/worker-spawn.js';
import type { GpuPathReport } from '../shared/gpu-readiness.js';

let cached: Promise<GpuPathReport[]> | null = null;
let ready: GpuPathReport[] | null = null;

export function gpuReport(): Promise<GpuPathReport[]> {
  cached ??= new Promise<GpuPathReport[]>((resolve, reject) => {
    const worker = spawnEngineWorker(engineWorkerUrl('./gpu-worker', import.meta.url), { stdout: true, stderr: true });
    worker.stdout.resume(); // Dawn's warnings are not the service's output
    worker.stderr.resume();
    worker.once('message', (m: { ok: true; report: GpuPathReport[] } | { ok: false; error: string }) => {
      if (m.ok) resolve(m.report);
      else reject(new Error(`gpuReport: ${m.error}`));
      void worker.terminate();
    });
    worker.once('error', (e) => reject(new Error(`gpuReport: the worker failed: ${e.message}`)));
  });
  return cached;
}

/** The report when computed, else undefined (and its computation started); a failure is logged once. */
export function gpuReportIfReady(log: (message: string) => void): GpuPathReport[] | undefined {
  if (ready) return ready;
  if (!cached) {
    gpuReport().then((r) => { ready = r; }, (e: unknown) => log(e instanceof Error ? e.message : String(e)));
  }
  return undefined;
}
