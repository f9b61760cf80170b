/**
 * Payload generators for the fuzz suite: for every channel of ApiRequests a valid base payload,
 * arbitrary JSON, and near-valid mutations of the base (a field dropped, replaced by a hostile
 * value, an unknown key added, the whole payload nested or turned into another type). For the
 * channels that write, only payloads that cannot be accepted are generated: they fail the channel
 * schema, or carry a configuration or value the service refuses by construction.
 */
import fc from 'fast-check';
import { ApiRequests, type ApiChannel } from '../../src-main/shared/channels.js';
import { SMALL } from '../service/helpers.js';

/** Channels whose accepted requests change the store (or queue work that does), or start engine work on a worker (runs:estimate's calibration). */
export const WRITES: ReadonlySet<ApiChannel> = new Set<ApiChannel>(['runs:start', 'runs:sweep', 'runs:cancel', 'runs:resume', 'runs:delete', 'evals:start', 'analysis:start',
  'runs:estimate']);

/** Channels whose accepted requests start a worker thread (images regenerated from a checkpoint): refusable payloads only, as for WRITES. */
export const COMPUTES: ReadonlySet<ApiChannel> = new Set<ApiChannel>(['examples:images', 'selection:images']);

/** A valid request per channel (compile-time complete: one entry per ApiChannel). */
export const BASE: Readonly<Record<ApiChannel, (runId: string) => Record<string, unknown>>> = {
  'app:info': () => ({}),
  'config:describe': () => ({}),
  'presets:list': () => ({}),
  'runs:list': () => ({ status: 'completed', limit: 10 }),
  'runs:get': (id) => ({ id }),
  'runs:start': () => ({ name: 'fuzz', group: 'g', config: { ...SMALL } }),
  'runs:sweep': () => ({ name: 'fuzz', config: { ...SMALL }, axes: { seed: [0, 1] } }),
  'runs:cancel': (id) => ({ id }),
  'workers:list': () => ({}),
  'runs:resume': (id) => ({ id }),
  'runs:delete': (id) => ({ id }),
  'metrics:epochs': (runId) => ({ runId }),
  'metrics:steps': (runId) => ({ runId, term: 'loss', maxPoints: 100 }),
  'metrics:terms': (runId) => ({ runId }),
  'evals:list': (runId) => ({ runId }),
  'evals:start': (runId) => ({ runId, attack: 'pgd', eps: '8/255', steps: 2, n: 10 }),
  'analysis:rdiv': (runId) => ({ runId }),
  'analysis:tsne': (runId) => ({ runId }),
  'analysis:start': (runId) => ({ runId, epsSweep: [0, '2/255'], tsne: true }),
  'selection:snapshots': (runId) => ({ runId }),
  'compare:table': (runId) => ({ runIds: [runId], summary: { kind: 'last' } }),
  'export:csv': (runId) => ({ what: 'epochs', runIds: [runId] }),
  'evals:matrix': (runId) => ({ runIds: [runId], rows: 'groups', eps: '8/255' }),
  'studies:list': () => ({}),
  'studies:get': () => ({ name: 'fuzz-study' }),
  'examples:list': (runId) => ({ runId, evaluationId: 1, filter: 'broken', offset: 0, limit: 10 }),
  'examples:images': (runId) => ({ runId, evaluationId: 1, indices: [0, 1] }),
  // Index 16 is past the served run's 16 training images (SMALL.limit): refused before a worker starts.
  'selection:images': (runId) => ({ runId, indices: [16], epoch: 1 }),
  'runs:estimate': () => ({ config: { ...SMALL } }),
};

/** Strings a hostile or careless client sends. */
export const hostileString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', ' 2 ', '0x10', '1e999', 'NaN', '-0', '8//255', '../../etc/passwd', '/etc/passwd', 'C:\\Windows', '%E0%A4%A', '\u0000',
    '\u001b[31mred\u001b[0m', 'a\nb', 'abc\u202Edef', '__proto__', 'constructor', 'toString', '<script>', '${x}', '\uD800', 'x'.repeat(10_000)),
);
const hostileNumber = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(0, -1, -0, 1.5, 2 ** 53, 1e308, -1e308, Number.MIN_VALUE));
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(hostileString, hostileNumber, fc.boolean(), fc.constant(null),
  fc.jsonValue({ maxDepth: 3 }), fc.constant([]), fc.constant({}));

/** Configurations every run-starting channel must refuse (each is invalid by construction). */
const BAD_CONFIG = fc.constantFrom<Record<string, unknown>>(
  { epochs: -1 }, { epochs: '0x10' }, { epochs: 1.5 }, { epochs: 0 }, { batchSize: 0 }, { eps: '0x10' }, { eps: -0.1 }, { eps: ' 2 ' },
  { learningRate: -1 }, { model: 'vgg' }, { dataset: 'imagenet' }, { colour: 'red' }, { dataDir: '' }, { selection: 'random' },
  { seed: 'one' }, { lrMilestones: [0] }, { limit: -5 },
);

function mutate(base: Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = Object.keys(base);
  const drop = keys.length ? fc.constantFrom(...keys).map((k) => { const { [k]: _d, ...rest } = base; return rest; }) : fc.constant(base);
  const replace = keys.length ? fc.tuple(fc.constantFrom(...keys), hostileValue).map(([k, v]) => ({ ...base, [k]: v })) : fc.constant(base);
  const extra = fc.tuple(fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', 'colour')), hostileValue)
    // Through JSON text, so "__proto__" becomes an own key as JSON.parse makes it on the server.
    .map(([k, v]) => {
      const rest = JSON.stringify(base).slice(1, -1);
      return JSON.parse(`{${JSON.stringify(k)}:${JSON.stringify(v) ?? 'null'}${rest ? `,${rest}` : ''}}`) as unknown;
    });
  const reshape = fc.constantFrom<unknown>([base], JSON.stringify(base), null, 7, true, { payload: base }, [[[[base]]]]);
  return fc.oneof(drop, replace, extra, reshape);
}

/** Payloads for one channel: arbitrary JSON and near-valid mutations; write channels only get refusable ones. */
export function payloadsFor(channel: ApiChannel, runId: string): fc.Arbitrary<unknown> {
  const base = BASE[channel](runId);
  const anything = fc.oneof(fc.jsonValue({ maxDepth: 4 }), mutate(base));
  if (!WRITES.has(channel) && !COMPUTES.has(channel)) return anything;
  // As dispatch reads it: a null (or absent) payload is the empty request.
  const refusedBySchema = anything.filter((p) => !ApiRequests[channel].safeParse(p ?? {}).success);
  const refusedByService: fc.Arbitrary<unknown> = channel === 'runs:start' || channel === 'runs:sweep' || channel === 'runs:estimate'
    ? BAD_CONFIG.map((bad) => ({ ...base, config: { ...SMALL, ...bad } }))
    : channel === 'evals:start' ? fc.constantFrom({ ...base, attack: 'laser' }, { ...base, eps: 'lots' }, { ...base, eps: 2 }, { ...base, runId: 'no-such-run' })
      : channel === 'analysis:start' ? fc.constantFrom({ ...base, epsSweep: [1.5] }, { ...base, epsSweep: ['lots'] }, { runId, tsne: false }, { ...base, runId: 'no-such-run' })
        : COMPUTES.has(channel) ? fc.constantFrom(base, { ...base, runId: 'no-such-run' }, { ...base, evaluationId: 999_999 })
          : fc.constant({ id: 'no-such-run' });
  return fc.oneof({ arbitrary: refusedBySchema, weight: 3 }, { arbitrary: refusedByService, weight: 1 });
}
