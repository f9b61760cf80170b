// @vitest-environment jsdom
/**
 * Component tests of training health and first steps in jsdom with a fake API client: the Runs
 * page of an empty store offers the quick-start (two runs:start requests, the named presets,
 * the chosen epochs, then the Compare page with both ids); a run with a collapse warning is
 * marked in the list with the warning as its title; the Setup page's "Estimate time" asks
 * runs:estimate for the form's changes and shows seconds per epoch, total, source and basis.
 */
import { screen, waitFor } from '@testing-library/dom';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RunEstimate, RunSummary } from '../../src-main/shared/channels.js';
import { describeRunConfig } from '../../src-main/service/describe.js';
import { cleanup, fireEvent, render } from './mount.js';

// @ts-expect-error the runtime's source file has no declaration of its own (its types are svelte's)
vi.mock('svelte', () => import('../../node_modules/svelte/src/index-client.js'));
// @ts-expect-error as above
vi.mock('svelte/store', () => import('../../node_modules/svelte/src/store/index-client.js'));

const fake = vi.hoisted(() => ({ calls: [] as Array<{ channel: string; req: Record<string, unknown> }>, runs: [] as RunSummary[], started: 0 }));
const ESTIMATE: RunEstimate = { secondsPerEpoch: 95, totalSeconds: 285, source: 'history', basis: 'median 47.5 ms per training sample over 3 epoch(s)', uncertainty: 0.12, backend: 'wasm', epochs: 3 };
vi.mock('../../src-renderer/src/api/index.js', () => ({
  api: {
    async call(channel: string, req: Record<string, unknown>) {
      fake.calls.push({ channel, req });
      if (channel === 'runs:list') return fake.runs.map((r) => ({ ...r }));
      if (channel === 'runs:start') { fake.started++; return { id: `qs-${fake.started}` }; }
      if (channel === 'config:describe') return { fields: describeRunConfig() };
      if (channel === 'presets:list') return [];
      if (channel === 'runs:estimate') return ESTIMATE;
      throw new Error(`fake api: unexpected ${channel}`);
    },
    on: () => () => {}, connection: () => 'live', onConnection: () => () => {},
  },
}));

const run = (id: string, collapse: RunSummary['collapse']): RunSummary => ({
  id, name: id, group: null, status: 'completed', defense: 'ascl', selection: 'global', dataset: 'mnist', model: 'small-cnn', seed: 0, backend: 'wasm',
  epochsDone: 3, epochsTotal: 3, createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z', error: null, progress: 1, etaSeconds: null, collapse,
});

const { default: Runs } = await import('../../src-renderer/src/pages/Runs.svelte');
const { default: Setup } = await import('../../src-renderer/src/pages/Setup.svelte');
const { refreshRuns } = await import('../../src-renderer/src/lib/runs-store.js');

afterEach(() => { cleanup(); fake.calls.length = 0; fake.started = 0; location.hash = ''; });

describe('Runs.svelte: quick-start and collapse marks', () => {
  it('empty store: the quick-start with epochs 1 starts table4/adv and table4/adv-leaked-ascl on mnist and opens #/compare with both ids', async () => {
    fake.runs = [];
    await refreshRuns();
    render(Runs);
    const epochs = await screen.findByTestId('quick-start-epochs');
    await fireEvent.input(epochs, { target: { value: '1' } });
    await fireEvent.click(screen.getByTestId('quick-start-start'));
    await waitFor(() => expect(location.hash).toBe('#/compare?runs=qs-1,qs-2'));
    const starts = fake.calls.filter((c) => c.channel === 'runs:start').map((c) => c.req as { preset: string; config: Record<string, unknown> });
    expect(starts.map((s) => s.preset)).toEqual(['table4/adv', 'table4/adv-leaked-ascl']);
    for (const s of starts) expect(s.config).toMatchObject({ dataset: 'mnist', model: 'small-cnn', epochs: 1, limit: 2000 });
  });

  it('a store with runs shows no quick-start; the collapsed run (epoch 2) is marked with its warning, the healthy one not', async () => {
    fake.runs = [run('healthy', null), run('collapsed', { epoch: 2, warning: 'training may have collapsed: x; the usual cause: y; try z' })];
    await refreshRuns();
    render(Runs);
    const row = await waitFor(() => document.querySelector('tr[data-run-id="collapsed"]')!);
    const mark = row.querySelector('[data-testid=collapse-mark]')!;
    expect(mark.textContent).toMatch(/may have collapsed \(epoch 2\)/);
    expect(mark.getAttribute('title')).toBe('training may have collapsed: x; the usual cause: y; try z');
    expect(document.querySelector('tr[data-run-id="healthy"] [data-testid=collapse-mark]')).toBeNull();
    expect(screen.getByTestId('collapse-notice').textContent).toMatch(/1 run may have collapsed/);
    expect(screen.queryByTestId('quick-start')).toBeNull();
  });
});

describe('Setup.svelte: the estimate next to Start', () => {
  it('Estimate time sends the changed fields (epochs 3) to runs:estimate and shows "1m 35s per epoch, 4m 45s for 3 epochs", ± 12%, the source and basis', async () => {
    render(Setup);
    const epochs = await screen.findByTestId('field-epochs');
    await fireEvent.input(epochs, { target: { value: '3' } });
    await fireEvent.click(screen.getByTestId('estimate'));
    const shown = await screen.findByTestId('estimate-result');
    expect(fake.calls.find((c) => c.channel === 'runs:estimate')?.req).toMatchObject({ config: { epochs: 3 } });
    expect(shown.textContent).toMatch(/1m 35s per epoch, 4m 45s for 3 epochs/);
    expect(shown.textContent).toMatch(/± 12%, from earlier runs on wasm/);
    expect(screen.getByTestId('estimate-basis').textContent).toMatch(/median 47\.5 ms per training sample/);
    // A changed field makes the shown estimate stale: it goes away.
    await fireEvent.input(epochs, { target: { value: '4' } });
    await waitFor(() => expect(screen.queryByTestId('estimate-result')).toBeNull());
  });
});
