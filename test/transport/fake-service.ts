/**
 * A small in-memory ApiService for the transport tests (the real one is src-main/service).
 * It records the requests it received so tests can check what reached the service.
 */
import { parseRunConfig } from '../../src-main/shared/run-config.js';
import { EventEmitter } from 'node:events';
import { ApiError } from '../../src-main/api/dispatch.js';
import type { ApiEvent, ApiEvents, ApiParsedRequest, ApiService, RunSummary } from '../../src-main/shared/channels.js';

export function fakeRun(id: string, over: Partial<RunSummary> = {}): RunSummary {
  return {
    id, name: id, group: null, status: 'completed', defense: 'ascl', selection: 'leaked', dataset: 'synthetic',
    model: 'small-cnn', seed: 0, backend: 'cpu', epochsDone: 3, epochsTotal: 3, createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z', error: null, progress: 1, etaSeconds: null, ...over,
  };
}

export interface FakeService extends ApiService {
  calls: Array<{ channel: string; req: unknown }>;
  emit<E extends ApiEvent>(event: E, payload: ApiEvents[E]): void;
}

export function createFakeService(): FakeService {
  const bus = new EventEmitter();
  const calls: FakeService['calls'] = [];
  const runs = new Map<string, RunSummary>([['r1', fakeRun('r1')]]);
  const seen = <T>(channel: string, req: T): T => { calls.push({ channel, req }); return req; };
  const get = (id: string): RunSummary => {
    const r = runs.get(id);
    if (!r) throw new ApiError('not-found', `runs:get: no run ${JSON.stringify(id)}`);
    return r;
  };
  const none = async (): Promise<never> => { throw new ApiError('not-found', 'fake service: not implemented'); };
  return {
    calls,
    emit: (event, payload) => { bus.emit(event, payload); },
    on(event, listener) {
      bus.on(event, listener as (p: unknown) => void);
      return () => { bus.off(event, listener as (p: unknown) => void); };
    },
    'app:info': async (req) => { seen('app:info', req); return { version: 'test', backend: 'cpu', workers: 1, dbPath: ':memory:' }; },
    'config:describe': async () => ({ fields: [{ key: 'epochs', type: 'integer', default: 200 }] }),
    'presets:list': async () => [],
    'runs:list': async (req: ApiParsedRequest<'runs:list'>) => { seen('runs:list', req); return [...runs.values()]; },
    'runs:get': async (req) => ({ ...get(req.id), config: parseRunConfig({}) }),
    'runs:start': async (req) => { seen('runs:start', req); const id = `r${runs.size + 1}`; runs.set(id, fakeRun(id, { status: 'queued' })); return { id }; },
    'runs:sweep': async (req) => { seen('runs:sweep', req); return { ids: [] }; },
    'runs:cancel': async (req) => { get(req.id); return { ok: true }; },
    'workers:list': async () => [],
    'runs:resume': async (req) => { get(req.id); return { ok: true }; },
    'runs:delete': async (req) => { get(req.id); runs.delete(req.id); return { ok: true }; },
    'metrics:epochs': async (req) => { get(req.runId); return []; },
    'metrics:terms': async (req) => { get(req.runId); return []; },
    'metrics:steps': async (req) => ({ term: req.term, points: [] }),
    'evals:list': async () => [],
    'evals:start': none,
    'analysis:rdiv': async () => ({ epochs: [], eps: [] }),
    'analysis:tsne': async () => ({ points: [] }),
    'analysis:start': none,
    'selection:snapshots': async () => [],
    'compare:table': none,
    'export:csv': async (req) => ({ filename: 'x.csv', csv: `what\n${req.what}\n`, problems: [] }),
    'evals:matrix': async (req) => { seen('evals:matrix', req); return { columns: [], rows: [] }; },
    'studies:list': async () => [],
    'studies:get': none,
    'examples:list': none,
    'examples:images': none,
    'selection:images': none,
    'runs:estimate': async (req) => { seen('runs:estimate', req); return { secondsPerEpoch: 1, totalSeconds: 1, source: 'calibration', basis: 'fake', uncertainty: 0.5, backend: 'cpu', epochs: 1 }; },
  };
}
