/**
 * The GPU readiness report of this machine (per GPU path, see shared/gpu-readiness.ts), computed once
 * per process in a child process (./gpu-probe.ts) and cached; `app:info` hands it to the UI once it is
 * there (`gpuReportIfReady`: app:info never waits for Dawn to start). A child, not a worker thread:
 * Dawn's native code has ended the process that loaded it in a worker, and this one serves.
 */
import { spawn } from 'node:child_process';
import { engineChildArgs, engineWorkerUrl } from '../engine/backend/worker-spawn.js';
import type { GpuPathReport } from '../shared/gpu-readiness.js';

/** Marks the probe's report line on its stdout (./gpu-probe.ts writes it). */
export const GPU_PROBE_PREFIX = 'ascl-gpu-probe ';
/** Dawn starts in well under a second on a GPU machine; a probe still silent after this is stopped. */
const PROBE_TIMEOUT_MS = 120_000;

let cached: Promise<GpuPathReport[]> | null = null;
let ready: GpuPathReport[] | null = null;

export function gpuReport(): Promise<GpuPathReport[]> {
  cached ??= new Promise<GpuPathReport[]>((resolve, reject) => {
    // ELECTRON_RUN_AS_NODE: inside the desktop app execPath is Electron, which then runs as Node.
    const child = spawn(process.execPath, engineChildArgs(engineWorkerUrl('./gpu-probe', import.meta.url)), {
      stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
    let out = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), PROBE_TIMEOUT_MS);
    timer.unref();
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => { out += d; });
    child.once('error', (e) => { clearTimeout(timer); reject(new Error(`gpuReport: the probe did not start: ${e.message}`)); });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith(GPU_PROBE_PREFIX));
      if (!line) { reject(new Error(`gpuReport: the probe ended (${signal ?? `exit ${code}`}) without a report`)); return; }
      try {
        const m = JSON.parse(line.slice(GPU_PROBE_PREFIX.length)) as { ok: true; report: GpuPathReport[] } | { ok: false; error: string };
        if (m.ok) resolve(m.report);
        else reject(new Error(`gpuReport: ${m.error}`));
      } catch (e) {
        reject(new Error(`gpuReport: the probe's report is not JSON: ${e instanceof Error ? e.message : String(e)}`));
      }
    });
    child.unref();
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
