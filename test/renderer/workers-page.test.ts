// @vitest-environment jsdom
/**
 * Component test of the Workers page (Workers.svelte) in jsdom with a fake API client: without a broker it
 * says distributed mode is off and shows the three commands; with one, a row per worker (host, pid, queue,
 * backend and GPU, slots, state with its reason, jobs linked to their runs, heartbeat age), re-read every 2 s
 * while shown and no longer once the page is gone.
 */
import { screen, waitFor } from '@testing-library/dom';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { WorkerInfo } from '../../src-main/shared/workers.js';
import { twoWorkers } from '../fixtures/worker-fixtures.js';
import { cleanup, render } from './mount.js';

// @ts-expect-error the runtime's source file has no declaration of its own (its types are svelte's)
vi.mock('svelte', () => import('../../node_modules/svelte/src/index-client.js'));
// @ts-expect-error as above
vi.mock('svelte/store', () => import('../../node_modules/svelte/src/store/index-client.js'));

const fake = vi.hoisted(() => ({ calls: [] as string[], broker: null as { url: string; queues: string[] } | null, workers: [] as WorkerInfo[] }));
vi.mock('../../src-renderer/src/api/index.js', () => ({
  api: {
    async call(channel: string) {
      fake.calls.push(channel);
      if (channel === 'app:info') return { version: 't', backend: 'wasm', workers: 1, dbPath: ':memory:', broker: fake.broker };
      if (channel === 'workers:list') return fake.workers;
      throw new Error(`fake api: unexpected ${channel}`);
    },
    on: () => () => {}, connection: () => 'live', onConnection: () => () => {},
  },
}));

const { default: Workers } = await import('../../src-renderer/src/pages/Workers.svelte');
const NOW = Date.parse('2026-12-02T05:00:00Z');
const listCalls = (): number => fake.calls.filter((c) => c === 'workers:list').length;
/** The element, or a throw (so waitFor retries until it is there). */
function row(id: string): Element {
  const el = document.querySelector(`tr[data-worker-id="${id}"]`);
  if (!el) throw new Error(`no row for worker ${id}`);
  return el;
}

afterEach(() => { cleanup(); vi.useRealTimers(); fake.calls.length = 0; });

describe('Workers.svelte (distributed mode)', () => {
  it('broker null: "Distributed mode is off" with the 3 commands (redis-server --requirepass, ascl serve --broker, ascl worker --queue)', async () => {
    fake.broker = null; fake.workers = [];
    render(Workers);
    const off = await screen.findByTestId('distributed-off');
    expect(off.textContent).toMatch(/Distributed mode is off/);
    const commands = screen.getAllByTestId('distributed-command').map((c) => c.textContent);
    expect(commands).toHaveLength(3);
    expect(commands[0]).toMatch(/^redis-server --requirepass \S+ --bind \S+ --protected-mode yes$/);
    expect(commands[1]).toMatch(/^ascl serve --broker redis:\/\/:\S+@\S+ --token \S+ --host 0\.0\.0\.0$/);
    expect(commands[2]).toMatch(/^ascl worker --broker \S+ --coordinator http:\/\/\S+ --token \S+ --queue gpu-a100 --concurrency 1$/);
    expect(screen.queryByTestId('workers-table')).toBeNull();
  });

  it('2 workers at a fixed clock: busy A100 host with 2 jobs linked to run-007 and run-003, "3s ago"; the stopped one says why, "61s ago"', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
    fake.broker = { url: 'redis://:***@10.0.0.5:6379', queues: ['default', 'gpu-a100'] }; fake.workers = twoWorkers(NOW);
    render(Workers);
    const gpu = await waitFor(() => row('gpu1-4242-ab12'));
    const cells = [...gpu.querySelectorAll('td')].map((td) => td.textContent!.trim());
    expect(cells.slice(1, 6)).toEqual(['4242', 'gpu-a100', 'tensorflow (NVIDIA A100 80GB)', '32', '2/2']);
    expect(cells[0]).toMatch(/^gpu1\s*gpu1-4242-ab12$/);
    expect(gpu.querySelector('.badge')!.textContent).toBe('busy');
    expect([...gpu.querySelectorAll('[data-testid="worker-job"] a')].map((a) => a.getAttribute('href'))).toEqual(['#/run/run-007', '#/run/run-003']);
    expect(cells[7]).toMatch(/run-007\s+epoch 3, 46%\s*run-003\s+eval task 9/);
    expect(cells[8]).toBe('3s ago');
    const cpu = row('cpu7-99-cd34');
    expect(cpu.querySelector('[data-testid="worker-message"]')!.textContent).toBe('3 jobs failed in a row (--max-failures 3)');
    expect(cpu.querySelectorAll('td')[8].textContent).toBe('61s ago');
    expect(document.body.textContent).toMatch(/2 workers · 1 busy · 2 jobs running · broker redis:\/\/:\*\*\*@10\.0\.0\.5:6379/);
    expect(screen.queryByTestId('distributed-off')).toBeNull();
  });

  it('re-reads workers:list every 2000 ms while shown (the new heartbeat appears), and stops once unmounted', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    vi.setSystemTime(NOW);
    fake.broker = { url: 'redis://127.0.0.1:6379', queues: ['default'] }; fake.workers = twoWorkers(NOW).slice(0, 1);
    render(Workers);
    await waitFor(() => expect(document.querySelectorAll('tr[data-worker-id]')).toHaveLength(1));
    expect(listCalls()).toBe(1);
    fake.workers = twoWorkers(NOW + 2000);
    vi.advanceTimersByTime(2000);
    await waitFor(() => expect(document.querySelectorAll('tr[data-worker-id]')).toHaveLength(2));
    expect(listCalls()).toBe(2);
    expect(row('gpu1-4242-ab12').querySelectorAll('td')[8].textContent).toBe('3s ago');
    cleanup();
    vi.advanceTimersByTime(10_000);
    expect(listCalls()).toBe(2);
  });

  it('broker set, no worker yet: the table says none has reported', async () => {
    fake.broker = { url: 'redis://127.0.0.1:6379', queues: [] }; fake.workers = [];
    render(Workers);
    await waitFor(() => expect(screen.getByTestId('workers-table').textContent).toMatch(/No workers have reported to this coordinator yet/));
  });
});
