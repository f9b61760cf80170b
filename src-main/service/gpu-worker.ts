/**
 * Worker thread answering the GPU readiness report (engine/backend/gpu-readiness.ts) once, so the
 * service's main thread loads neither Dawn nor any CUDA library.
 */
import { parentPort } from 'node:worker_threads';
import { gpuReadiness } from '../engine/backend/gpu-readiness.js';

const port = parentPort;
if (!port) throw new Error('gpu-worker: must run in a worker thread');
gpuReadiness().then(
  (report) => port.postMessage({ ok: true, report }),
  (e: unknown) => port.postMessage({ ok: false, error: e instanceof Error ? e.message : String(e) }),
);
