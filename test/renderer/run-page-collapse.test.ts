// @vitest-environment jsdom
/**
 * Component test of the run page (Run.svelte) in jsdom with a fake API client: the collapse
 * check's warning of the latest warned epoch is shown in a visible box, and the dead-latent figure
 * of the last epoch; a run without warnings shows no box.
 */
import { waitFor } from '@testing-library/dom';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RunSummary } from '../../src-main/shared/channels.js';
import type { EpochRow } from '../../src-main/shared/rows.js';

// @ts-expect-error the runtime's source file has no declaration of its own (its types are svelte's)
vi.mock('svelte', () => import('../../node_modules/svelte/src/index-client.js'));
// @ts-expect-error as above
vi.mock('svelte/store', () => import('../../node_modules/svelte/src/store/index-client.js'));

// jsdom has no canvas: the charts are replaced by a double that renders their titles.
vi.mock('../../src-renderer/src/components/Chart.svelte', () => import('./chart-double.svelte'));

// extra: distributed mode's where/queue/attempt of the run (absent for a run of a single machine).
const fake = vi.hoisted(() => ({ epochs: [] as EpochRow[], extra: {} as Partial<RunSummary> }));
vi.mock('../../src-renderer/src/api/index.js', () => ({
  api: {
    async call(channel: string, req: { id?: string; runId?: string; term?: string }) {
      const summary: RunSummary = {
        id: 'r1', name: 'r1', group: null, status: 'completed', defense: 'ascl', selection: 'global', dataset: 'mnist', model: 'small-cnn', seed: 0,
        backend: 'wasm', epochsDone: fake.epochs.length, epochsTotal: 3, createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z',
        error: null, progress: 1, etaSeconds: null, ...fake.extra,
      };
      if (channel === 'runs:get') return { ...summary, config: { model: 'small-cnn', batchNorm: false } };
      if (channel === 'runs:list') return [summary];
      if (channel === 'metrics:epochs') return fake.epochs;
      if (channel === 'evals:list') return [];
      if (channel === 'metrics:steps') return { term: req.term, points: [] };
      throw new Error(`fake api: unexpected ${channel}`);
    },
    on: () => () => {}, connection: () => 'live', onConnection: () => () => {},
  },
}));

const { mount, unmount, flushSync } = await import('svelte'); // the client build, through the vi.mock above
const { default: Run } = await import('../../src-renderer/src/pages/Run.svelte');

const row = (epoch: number, dead: number | null, warning: string | null): EpochRow => ({
  epoch, natAccuracy: 0.086, pgdAccuracy: 0.044, trainAccuracy: 0.09, learningRate: 1e-3, seconds: 10, terms: { loss: 9 },
  deadLatentFraction: dead, collapseWarning: warning,
});

let app: Record<string, unknown> | null = null;
function show(): void {
  const target = document.createElement('div');
  document.body.appendChild(target);
  app = mount(Run, { target, props: { id: 'r1' } });
  flushSync();
}
afterEach(() => { if (app) unmount(app); app = null; document.body.innerHTML = ''; fake.extra = {}; });

describe('Run.svelte collapse warning', () => {
  it('epochs 1-3 with warnings at 2 and 3 (dead 83.6% last): the box quotes epoch 3\'s warning, the KPI reads 83.6%', async () => {
    fake.epochs = [row(1, 0.781, null), row(2, 0.844, 'training may have collapsed: e2'), row(3, 0.836, 'training may have collapsed: e3')];
    show();
    const box = await waitFor(() => { const b = document.querySelector('[data-testid=collapse-warning]'); if (!b) throw new Error('no box yet'); return b; });
    expect(box.textContent).toMatch(/Epoch 3:\s*training may have collapsed: e3/);
    expect(document.querySelector('[data-testid=kpi-dead-latent]')!.textContent).toBe('83.6%');
  });

  it('no warning on any epoch, dead fraction not recorded (an old run): no box, the KPI reads –', async () => {
    fake.epochs = [row(1, null, null), row(2, null, null)];
    show();
    await waitFor(() => { if (document.querySelector('[data-testid=kpi-epoch]')?.textContent !== '2 / 3') throw new Error('not loaded'); });
    expect(document.querySelector('[data-testid=collapse-warning]')).toBeNull();
    expect(document.querySelector('[data-testid=kpi-dead-latent]')!.textContent).toBe('–');
  });

  it('distributed mode: a run on worker gpu2-7-cd of queue default, attempt 3, says so in its header; without where, nothing', async () => {
    fake.epochs = [row(1, null, null)];
    fake.extra = { where: 'gpu2-7-cd', queue: 'default', attempt: 3 };
    show();
    const where = await waitFor(() => { const w = document.querySelector('[data-testid=run-where]'); if (!w) throw new Error('not loaded'); return w; });
    expect(where.textContent).toBe(' · worker gpu2-7-cd · queue default · attempt 3');
    if (app) unmount(app);
    document.body.innerHTML = '';
    fake.extra = {};
    show();
    await waitFor(() => { if (document.querySelector('[data-testid=kpi-epoch]')?.textContent !== '1 / 3') throw new Error('not loaded'); });
    expect(document.querySelector('[data-testid=run-where]')).toBeNull();
  });
});
