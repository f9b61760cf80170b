/**
 * Child process printing the GPU readiness report (engine/backend/gpu-readiness.ts) as one JSON line
 * on stdout, so the service's process loads neither Dawn nor any CUDA library: a native crash while
 * probing ends this child, never the server (./gpu-report.ts reads the line).
 */
import { gpuReadiness } from '../engine/backend/gpu-readiness.js';
import { GPU_PROBE_PREFIX } from './gpu-report.js';


gpuReadiness().then(
  (report) => { process.stdout.write(`${GPU_PROBE_PREFIX}${JSON.stringify({ ok: true, report })}\n`); },
  (e: unknown) => { process.stdout.write(`${GPU_PROBE_PREFIX}${JSON.stringify({ ok: false, error: e instanceof Error ? e.message : String(e) })}\n`); },
);
