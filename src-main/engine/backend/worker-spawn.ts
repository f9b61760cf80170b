/**
 * Starts a worker thread that runs engine code. Each worker thread calls `initBackend()` itself
 * and so owns its own single-threaded wasm backend (the threaded wasm build does not work in
 * Node): parallelism is one backend per worker, e.g. one run per core.
 *
 * Works from source under tsx and from compiled JS:
 *   spawnEngineWorker(engineWorkerUrl('./train-worker', import.meta.url), { workerData })
 * A compiled .js entry is started directly. A TypeScript entry (source runs under tsx, vitest)
 * is started through a tiny bootstrap that registers tsx's ESM loader in the worker first:
 * on Node 20 a worker's own entry module is loaded before `--import` hooks apply, so passing
 * tsx in execArgv alone fails with ERR_UNKNOWN_FILE_EXTENSION.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { defaultHeadlessEgl } from './webgpu/adapters.js';

const TS_ENTRY = /\.[cm]?tsx?$/;

/** URL of a worker module next to the caller, with the caller's own extension (.ts from source, .js compiled). */
export function engineWorkerUrl(relativeBaseName: string, callerUrl: string): URL {
  const ext = TS_ENTRY.test(new URL(callerUrl).pathname) ? '.ts' : '.js';
  return new URL(relativeBaseName + ext, callerUrl);
}

function tsxEsmApi(): string {
  const pkg = createRequire(import.meta.url).resolve('tsx/package.json');
  const api = path.join(path.dirname(pkg), 'dist', 'esm', 'api', 'index.mjs');
  if (!existsSync(api)) throw new Error(`spawnEngineWorker: tsx's ESM API not found at ${api} (needed to start a .ts worker)`);
  return pathToFileURL(api).href;
}

export function spawnEngineWorker(moduleUrl: URL | string, options: WorkerOptions = {}): Worker {
  // Before the worker starts: its own process.env is a copy, Mesa's EGL reads the process's.
  defaultHeadlessEgl();
  const url = moduleUrl instanceof URL ? moduleUrl : /^[a-z][a-z0-9+.-]*:\/\//i.test(moduleUrl) ? new URL(moduleUrl) : pathToFileURL(moduleUrl);
  if (url.protocol !== 'file:') throw new Error(`spawnEngineWorker: expected a file URL or path, got '${String(moduleUrl)}'`);
  if (!TS_ENTRY.test(url.pathname)) return new Worker(url, options);
  const bootstrap =
    `import(${JSON.stringify(tsxEsmApi())}).then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}

/**
 * Arguments for `process.execPath` that run an engine module in a child process (from source through
 * tsx's loader, as the worker bootstrap above; compiled JS directly). For work whose native code must
 * not share the caller's process: a crash there ends only the child.
 */
export function engineChildArgs(moduleUrl: URL): string[] {
  if (moduleUrl.protocol !== 'file:') throw new Error(`engineChildArgs: expected a file URL, got '${moduleUrl.href}'`);
  if (!TS_ENTRY.test(moduleUrl.pathname)) return [fileURLToPath(moduleUrl)];
  return ['--input-type=module', '-e',
    `import(${JSON.stringify(tsxEsmApi())}).then((tsx) => { tsx.register(); return import(${JSON.stringify(moduleUrl.href)}); });`];
}
