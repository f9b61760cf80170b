import { configDefaults, defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// Tests run in forked processes: tfjs backends are process-global state and the
// wasm backend must not be shared between files that pick different backends.
// Two groups, one after the other: the distributed-mode tests start Redis, a coordinator and several
// `ascl worker` processes that train at once; beside the browser tests on two cores they starved
// Chromium (a page screenshot timed out after 30 s in CI), so they run once the rest is done.
export default defineConfig({
  plugins: [svelte()],
  test: {
    // `.only` fails the run instead of silently skipping the rest (ESLint bans it too).
    allowOnly: false,
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
    testTimeout: 120_000,
    // Two test files run at once on two cores: each run's wasm backend keeps one thread (the
    // single-threaded binary), as a fixed setting of service/core-share.ts. The threaded binary and
    // the 'auto' share are tested where named (test/backend/wasm-threads.test.ts, test/service/core-share.test.ts).
    env: { ASCL_WASM_THREADS: '1' },
    hookTimeout: 120_000,
    reporters: ['default', './test/summary-reporter.ts'],
    projects: [
      { extends: true, test: { name: 'main', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, 'test/distributed/**'], sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'distributed', include: ['test/distributed/**/*.test.ts'], sequence: { groupOrder: 1 } } },
    ],
  },
});
