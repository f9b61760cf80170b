// @vitest-environment jsdom
/**
 * Component test of the experiment form (Setup.svelte) in jsdom with a fake API client: the
 * fields come from the service's real `config:describe`, bad values are named before anything
 * starts, and Start sends only the changed values.
 */
import { screen, waitFor } from '@testing-library/dom';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render } from './mount.js';
import { describeRunConfig } from '../../src-main/service/describe.js';

// Svelte is loaded by Node (an external dependency), which picks its server build; the component
// test needs the client runtime, so both entry points are mapped to their browser files.
// @ts-expect-error the runtime's source file has no declaration of its own (its types are svelte's)
vi.mock('svelte', () => import('../../node_modules/svelte/src/index-client.js'));
// @ts-expect-error as above
vi.mock('svelte/store', () => import('../../node_modules/svelte/src/store/index-client.js'));

const calls = vi.hoisted(() => [] as Array<{ channel: string; req: unknown }>);
// Distributed mode: the broker app:info reports (null: runs train here, the form has no queue choice).
const info = vi.hoisted(() => ({ broker: null as { url: string; queues: string[] } | null }));
vi.mock('../../src-renderer/src/api/index.js', () => ({
  api: {
    async call(channel: string, req: unknown) {
      calls.push({ channel, req });
      if (channel === 'config:describe') return { fields: describeRunConfig() };
      if (channel === 'app:info') return { version: 't', backend: 'wasm', workers: 1, dbPath: ':memory:', broker: info.broker };
      if (channel === 'presets:list') return [{ name: 'table3-leaked', description: 'Table 3 row: ASCL Leaked-LS', config: { defense: 'ascl', selection: 'leaked' } }];
      if (channel === 'runs:start') return { id: 'new-run' };
      if (channel === 'runs:sweep') return { ids: ['a', 'b'] };
      if (channel === 'runs:list') return [];
      throw new Error(`fake api: unexpected ${channel}`);
    },
    on: () => () => {},
    connection: () => 'live',
    onConnection: () => () => {},
  },
}));

const { default: Setup } = await import('../../src-renderer/src/pages/Setup.svelte');

afterEach(() => { cleanup(); calls.length = 0; info.broker = null; });

describe('Setup.svelte (experiment form)', () => {
  it('shows every config field with its default (epochs default 200, tau 0.07)', async () => {
    render(Setup);
    const epochs = await screen.findByTestId('field-epochs') as HTMLInputElement;
    expect(epochs.value).toBe('200');
    expect((screen.getByTestId('field-tau') as HTMLInputElement).value).toBe('0.07');
    for (const f of describeRunConfig()) expect(screen.getByTestId(`field-${f.key}`)).toBeTruthy();
    expect(screen.getAllByText(/^default 200$/).length).toBeGreaterThan(0);
  });

  it('batchSize "1" is refused by the schema before starting; runs:start is not called', async () => {
    render(Setup);
    const batch = await screen.findByTestId('field-batchSize');
    await fireEvent.input(batch, { target: { value: '1' } });
    expect((await screen.findByTestId('error-batchSize')).textContent).toMatch(/>=\s*2|at least 2|too small/i);
    await fireEvent.click(screen.getByTestId('start'));
    expect(calls.some((c) => c.channel === 'runs:start')).toBe(false);
    expect(screen.getByTestId('form-errors').textContent).toMatch(/Batch size/);
  });

  it('Start sends only the changed values (epochs 3, dataset synthetic) and the name', async () => {
    render(Setup);
    await fireEvent.input(await screen.findByTestId('field-epochs'), { target: { value: '3' } });
    await fireEvent.change(screen.getByTestId('field-dataset'), { target: { value: 'synthetic' } });
    await fireEvent.input(screen.getByTestId('run-name'), { target: { value: 'unit' } });
    await fireEvent.click(screen.getByTestId('start'));
    await waitFor(() => expect(calls.find((c) => c.channel === 'runs:start')).toBeDefined());
    expect(calls.find((c) => c.channel === 'runs:start')!.req).toEqual({ name: 'unit', config: { epochs: 3, dataset: 'synthetic' } });
    expect((calls.find((c) => c.channel === 'runs:start')!.req as { queue?: string }).queue).toBeUndefined();
    expect(screen.queryByTestId('queue')).toBeNull();
    await waitFor(() => expect(location.hash).toBe('#/run/new-run'));
  });

  it('choosing preset table3-leaked fills its values; the sweep of 4 selections x seeds "0, 1" sends runs:sweep with both axes', async () => {
    render(Setup);
    await screen.findByTestId('field-epochs');
    await waitFor(() => expect(screen.getByTestId('preset').querySelectorAll('option')).toHaveLength(2));
    await fireEvent.change(screen.getByTestId('preset'), { target: { value: 'table3-leaked' } });
    expect((screen.getByTestId('field-selection') as HTMLSelectElement).value).toBe('leaked');
    await fireEvent.click(screen.getByTestId('sweep-on'));
    await fireEvent.input(screen.getByTestId('sweep-seed'), { target: { value: '0, 1' } });
    expect(screen.getByTestId('sweep-count').textContent).toMatch(/^8 runs will be queued/);
    await fireEvent.click(screen.getByTestId('start'));
    await waitFor(() => expect(calls.find((c) => c.channel === 'runs:sweep')).toBeDefined());
    expect(calls.find((c) => c.channel === 'runs:sweep')!.req).toEqual({
      preset: 'table3-leaked', config: {}, axes: { selection: ['global', 'hard', 'soft', 'leaked'], seed: [0, 1] },
    });
  });

  it('broker with queues default, gpu-a100: the queue choice offers both and Other; "GPU A100" is refused before Start, "gpu-h100" is sent as queue', async () => {
    info.broker = { url: 'redis://127.0.0.1:6379', queues: ['gpu-a100'] };
    render(Setup);
    const select = await screen.findByTestId('queue') as HTMLSelectElement;
    expect([...select.options].map((o) => o.textContent)).toEqual(['default', 'gpu-a100', 'Other…']);
    await fireEvent.change(select, { target: { value: '(other)' } });
    await fireEvent.input(screen.getByTestId('queue-custom'), { target: { value: 'GPU A100' } });
    expect(screen.getByTestId('queue-error').textContent).toMatch(/^queue "GPU A100": a queue name is 1-63 lower-case letters/);
    await fireEvent.click(screen.getByTestId('start'));
    expect(calls.some((c) => c.channel === 'runs:start')).toBe(false);
    expect(screen.getByTestId('submit-error').textContent).toMatch(/queue "GPU A100"/);
    await fireEvent.input(screen.getByTestId('queue-custom'), { target: { value: 'gpu-h100' } });
    expect(screen.queryByTestId('queue-error')).toBeNull();
    await fireEvent.click(screen.getByTestId('start'));
    await waitFor(() => expect(calls.find((c) => c.channel === 'runs:start')).toBeDefined());
    expect(calls.find((c) => c.channel === 'runs:start')!.req).toEqual({ config: {}, queue: 'gpu-h100' });
  });

  it('broker set, sweep of seeds "0, 1" on queue gpu-a100: runs:sweep carries queue gpu-a100', async () => {
    info.broker = { url: 'redis://127.0.0.1:6379', queues: ['default', 'gpu-a100'] };
    render(Setup);
    await fireEvent.change(await screen.findByTestId('queue'), { target: { value: 'gpu-a100' } });
    await fireEvent.click(screen.getByTestId('sweep-on'));
    await fireEvent.input(screen.getByTestId('sweep-seed'), { target: { value: '0, 1' } });
    await fireEvent.click(screen.getByTestId('start'));
    await waitFor(() => expect(calls.find((c) => c.channel === 'runs:sweep')).toBeDefined());
    expect(calls.find((c) => c.channel === 'runs:sweep')!.req).toMatchObject({ queue: 'gpu-a100', axes: { seed: [0, 1] } });
  });
});
