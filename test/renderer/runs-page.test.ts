// @vitest-environment jsdom
/** Component test of the run queue (Runs.svelte) in jsdom with a fake API client. */
import { screen, waitFor } from '@testing-library/dom';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunSummary } from '../../src-main/shared/channels.js';
import { cleanup, fireEvent, render } from './mount.js';

// @ts-expect-error the runtime's source file has no declaration of its own (its types are svelte's)
vi.mock('svelte', () => import('../../node_modules/svelte/src/index-client.js'));
// @ts-expect-error as above
vi.mock('svelte/store', () => import('../../node_modules/svelte/src/store/index-client.js'));

const fake = vi.hoisted(() => ({ calls: [] as Array<{ channel: string; req: { id?: string } }>, runs: [] as RunSummary[] }));
vi.mock('../../src-renderer/src/api/index.js', () => ({
  api: {
    async call(channel: string, req: { id?: string }) {
      fake.calls.push({ channel, req });
      if (channel === 'runs:list') return fake.runs.map((r) => ({ ...r }));
      if (channel === 'runs:resume' || channel === 'runs:cancel') {
        const r = fake.runs.find((x) => x.id === req.id)!;
        r.status = channel === 'runs:resume' ? 'queued' : 'cancelled';
        return { ok: true };
      }
      throw new Error(`fake api: unexpected ${channel}`);
    },
    on: () => () => {}, connection: () => 'live', onConnection: () => () => {},
  },
}));

const run = (id: string, status: RunSummary['status'], epochsDone: number): RunSummary => ({
  id, name: id, group: null, status, defense: 'ascl', selection: 'leaked', dataset: 'cifar10', model: 'cnn', seed: 0, backend: 'wasm',
  epochsDone, epochsTotal: 10, createdAt: `2026-01-0${epochsDone + 1}T00:00:00Z`, updatedAt: '2026-01-01T00:00:00Z', error: null, progress: 0.5, etaSeconds: 3725,
});

const { default: Runs } = await import('../../src-renderer/src/pages/Runs.svelte');
const { refreshRuns } = await import('../../src-renderer/src/lib/runs-store.js');

beforeAll(() => { fake.runs = [run('r-running', 'running', 4), run('r-int-1', 'interrupted', 2), run('r-int-2', 'interrupted', 7), run('r-done', 'completed', 10)]; });
afterEach(() => { cleanup(); fake.calls.length = 0; });

describe('Runs.svelte (run queue)', () => {
  it('lists 4 runs with status, progress "epoch 4/10" and time left "1h 02m" for the running one', async () => {
    await refreshRuns();
    render(Runs);
    const row = await waitFor(() => document.querySelector('tr[data-run-id="r-running"]')!);
    expect(document.querySelectorAll('tr[data-run-id]')).toHaveLength(4);
    expect(row.querySelector('.badge')!.textContent).toBe('running');
    expect(row.textContent).toMatch(/epoch 4\/10/);
    expect(row.textContent).toMatch(/1h 02m/);
  });

  it('two interrupted runs: the notice offers Resume all, which resumes exactly those two', async () => {
    await refreshRuns();
    render(Runs);
    expect((await screen.findByTestId('interrupted-notice')).textContent).toMatch(/2 runs were interrupted/);
    await fireEvent.click(screen.getByRole('button', { name: 'Resume all' }));
    await waitFor(() => expect(fake.calls.filter((c) => c.channel === 'runs:resume').map((c) => c.req.id).sort()).toEqual(['r-int-1', 'r-int-2']));
    await waitFor(() => expect(screen.queryByTestId('interrupted-notice')).toBeNull());
  });

  it('Cancel on the running run calls runs:cancel with its id; the status filter narrows the table', async () => {
    await refreshRuns();
    render(Runs);
    const row = await waitFor(() => document.querySelector('tr[data-run-id="r-running"]')!);
    await fireEvent.click(row.querySelector('button.danger')!);
    await waitFor(() => expect(fake.calls.find((c) => c.channel === 'runs:cancel')?.req.id).toBe('r-running'));
    await fireEvent.click(screen.getByRole('button', { name: /^completed/ }));
    expect([...document.querySelectorAll('tr[data-run-id]')].map((r) => r.getAttribute('data-run-id'))).toEqual(['r-done']);
  });

  it('distributed mode: the running run on worker gpu1-4242-ab12, queue gpu-a100, attempt 2 says so; a local run says "local"; a run without either says nothing', async () => {
    fake.runs = [{ ...run('r-remote', 'running', 4), where: 'gpu1-4242-ab12', queue: 'gpu-a100', attempt: 2 }, { ...run('r-local', 'completed', 10), where: 'local', queue: null, attempt: 1 }, run('r-old', 'completed', 10)];
    await refreshRuns();
    render(Runs);
    const remote = await waitFor(() => { const el = document.querySelector('tr[data-run-id="r-remote"]'); if (!el) throw new Error('no row'); return el; });
    expect(remote.querySelector('[data-testid="run-where"]')!.textContent).toBe('worker gpu1-4242-ab12 · queue gpu-a100 · attempt 2');
    expect(document.querySelector('tr[data-run-id="r-local"] [data-testid="run-where"]')!.textContent).toBe('local');
    expect(document.querySelector('tr[data-run-id="r-old"] [data-testid="run-where"]')).toBeNull();
  });
});
