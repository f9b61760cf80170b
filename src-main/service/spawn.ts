/**
 * Starts a worker thread on a module of this project. Built `.js` files start directly; `.ts`
 * sources (development, tests, `npm run ascl`) are loaded through tsx's `tsImport`, which
 * transpiles the module graph inside the worker (an `--import tsx` execArgv is not honoured
 * by worker threads on Node 20, and vitest's transforms do not reach them).
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

const require = createRequire(import.meta.url);

export function spawnModuleWorker(moduleUrl: URL, options: WorkerOptions = {}): Worker {
  if (!moduleUrl.pathname.endsWith('.ts')) return new Worker(moduleUrl, options);
  const api = pathToFileURL(require.resolve('tsx/esm/api').replace(/index\.cjs$/, 'index.mjs')).href;
  const code = `import(${JSON.stringify(api)}).then((tsx) => tsx.tsImport(${JSON.stringify(moduleUrl.href)}, ${JSON.stringify(import.meta.url)}))`;
  return new Worker(code, { ...options, eval: true });
}

/** The URL of a sibling module, as `.ts` when running from sources and `.js` when built. */
export function siblingModule(name: string, base: string = import.meta.url): URL {
  const ext = base.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./${name}${ext}`, base);
}
