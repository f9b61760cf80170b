/**
 * The Workers page in the served UI, on the demo service pretending to dispatch through a broker with
 * two workers (test/fixtures/worker-fixtures.ts): both rows with their host, queue, state and jobs, the
 * run links, reached from the navigation; the Setup form offers the broker's queues; no console or CSP errors; a screenshot (test-artifacts/workers.png).
 */
import { describe, expect, it } from 'vitest';
import { createDemoService } from './demo-service.js';
import { screenshot } from './browser.js';
import { NO_CHROMIUM, serveAppForTests } from './served-app.js';
import { twoWorkers } from '../fixtures/worker-fixtures.js';

const app = serveAppForTests('ascl-workers-ui-', () => createDemoService({
  runs: 2, stepMs: 1000, stepsPerEpoch: 10,
  distributed: { broker: { url: 'redis://:***@10.0.0.5:6379', queues: ['default', 'gpu-a100'] }, workers: twoWorkers(Date.now()) },
}));

describe.skipIf(NO_CHROMIUM)('Workers page (demo broker, 2 workers: gpu1 busy on gpu-a100, cpu7 stopped)', () => {
  it('the navigation opens it; 2 rows: gpu1 busy with run-007 and run-003 linked, cpu7 stopped with its reason; Setup offers default, gpu-a100', async () => {
    await app.page.goto(`${app.base}/#/runs`);
    await app.page.getByTestId('nav-workers').click();
    const rows = app.page.locator('[data-testid=workers-table] tbody tr[data-worker-id]');
    await expect.poll(() => rows.count()).toBe(2);
    const gpu = app.page.locator('tr[data-worker-id="gpu1-4242-ab12"]');
    expect(await gpu.textContent()).toMatch(/gpu1.*4242.*gpu-a100.*tensorflow \(NVIDIA A100 80GB\).*32.*2\/2.*busy.*run-007.*epoch 3, 46%.*run-003.*eval task 9.*s ago/s);
    expect(await gpu.locator('[data-testid=worker-job] a').evaluateAll((as) => as.map((a) => a.getAttribute('href')))).toEqual(['#/run/run-007', '#/run/run-003']);
    expect(await app.page.locator('tr[data-worker-id="cpu7-99-cd34"]').textContent()).toMatch(/cpu7.*stopped.*3 jobs failed in a row \(--max-failures 3\)/s);
    expect(await app.page.getByTestId('distributed-off').count()).toBe(0);
    await screenshot(app.page, 'workers');
    await app.page.getByTestId('nav-setup').click();
    const queue = app.page.getByTestId('queue');
    await queue.waitFor();
    expect(await queue.locator('option').allTextContents()).toEqual(['default', 'gpu-a100', 'Other…']);
    expect(app.errors).toEqual([]);
  }, 300_000);
});
