/**
 * Malformed requests of every kind through the one dispatch both transports use: each gets a
 * clear ApiError with a code, and the store is byte-for-byte unchanged (a dump before and after).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, dispatch } from '../../src-main/api/dispatch.js';
import type { AppService } from '../../src-main/service/app-service.js';
import { dumpStore, fakeService, tempDir, SMALL } from './helpers.js';

let service: AppService;
let runId: string;
let before: string;

beforeAll(async () => {
  service = await fakeService(path.join(tempDir(), 'a.db'), { workers: 1 });
  runId = (await service['runs:start']({ config: { ...SMALL, epochs: 1 } })).id;
  expect(await service.waitForRun(runId)).toBe('completed');
  before = dumpStore(service.store.dbPath);
});
afterAll(async () => { await service.close(); });

const big = 'x'.repeat(300_000);
const deep: Record<string, unknown> = {};
let cur = deep;
for (let i = 0; i < 200; i++) { cur.a = {}; cur = cur.a as Record<string, unknown>; }

/** [title, channel, payload, expected code, expected message pattern] */
const CASES: Array<[string, unknown, unknown, string, RegExp]> = [
  ['unknown channel', 'runs:explode', {}, 'not-found', /unknown channel "runs:explode"/],
  ['channel not a string', 42, {}, 'not-found', /unknown channel/],
  ['prototype channel name', '__proto__', {}, 'not-found', /unknown channel/],
  ['constructor as channel', 'constructor', {}, 'not-found', /unknown channel/],
  ['payload not an object', 'runs:list', 'hello', 'bad-request', /runs:list: \(root\)/],
  ['payload an array', 'runs:get', [1, 2], 'bad-request', /runs:get/],
  ['unknown field', 'runs:list', { status: 'queued', colour: 'red' }, 'bad-request', /colour/],
  ['unknown field on app:info', 'app:info', { x: 1 }, 'bad-request', /app:info/],
  ['wrong type: limit as string', 'runs:list', { limit: '10' }, 'bad-request', /limit.*"10"/],
  ['out of range: limit 0', 'runs:list', { limit: 0 }, 'bad-request', /limit/],
  ['out of range: limit 1e9', 'runs:list', { limit: 1e9 }, 'bad-request', /limit/],
  ['unknown status', 'runs:list', { status: 'paused' }, 'bad-request', /status/],
  ['missing id', 'runs:get', {}, 'bad-request', /id/],
  ['path traversal in a run id', 'runs:get', { id: '../../etc/passwd' }, 'bad-request', /letters, digits/],
  ['path traversal in a run id (delete)', 'runs:delete', { id: '..' }, 'bad-request', /letters, digits/],
  ['NUL in a run id', 'metrics:epochs', { runId: 'a\0b' }, 'bad-request', /letters, digits/],
  ['oversized run id', 'runs:get', { id: 'a'.repeat(65) }, 'bad-request', /id/],
  ['unknown run', 'runs:get', { id: 'nope' }, 'not-found', /no run "nope"/],
  ['unknown run (cancel)', 'runs:cancel', { id: 'nope' }, 'not-found', /no run "nope"/],
  ['unknown run (resume)', 'runs:resume', { id: 'nope' }, 'not-found', /no run "nope"/],
  ['unknown run (delete)', 'runs:delete', { id: 'nope' }, 'not-found', /no run "nope"/],
  ['unknown run (evals)', 'evals:start', { runId: 'nope', attack: 'pgd' }, 'not-found', /no run "nope"/],
  ['unknown run in compare', 'compare:table', { runIds: ['nope'] }, 'not-found', /no run "nope"/],
  ['unknown run in export', 'export:csv', { what: 'epochs', runIds: ['nope'] }, 'not-found', /no run "nope"/],
  ['unknown config key', 'runs:start', { config: { learningrate: 0.1 } }, 'bad-request', /learningrate/],
  ['wrong config type', 'runs:start', { config: { epochs: 'ten' } }, 'bad-request', /epochs.*"ten"/],
  ['negative eps', 'runs:start', { config: { eps: -0.1 } }, 'bad-request', /eps/],
  ['eps as nonsense fraction', 'runs:start', { config: { eps: '8//255' } }, 'bad-request', /eps/],
  ['batch size 0', 'runs:start', { config: { batchSize: 0 } }, 'bad-request', /batchSize/],
  ['fractional epochs', 'runs:start', { config: { epochs: 1.5 } }, 'bad-request', /epochs/],
  ['unknown model', 'runs:start', { config: { model: 'vgg' } }, 'bad-request', /model.*"vgg"/],
  ['unknown dataset', 'runs:start', { config: { dataset: 'imagenet' } }, 'bad-request', /dataset/],
  ['NaN-like learning rate', 'runs:start', { config: { learningRate: -1 } }, 'bad-request', /learningRate/],
  ['empty data folder name', 'runs:start', { config: { dataDir: '' } }, 'bad-request', /dataDir/],
  ['__proto__ config key', 'runs:start', JSON.parse('{"config":{"__proto__":{"epochs":1}}}'), 'bad-request', /key "__proto__" is not allowed/],
  ['oversized name', 'runs:start', { name: big, config: {} }, 'bad-request', /name/],
  ['oversized config', 'runs:start', { config: { dataDir: big } }, 'too-large', /larger than/],
  ['deeply nested config (200 levels)', 'runs:start', { config: deep }, 'bad-request', /nested deeper than 32 levels/],
  ['sweep over an unknown key', 'runs:sweep', { config: {}, axes: { colour: ['red'] } }, 'bad-request', /unknown configuration key "colour"/],
  ['sweep with an invalid value', 'runs:sweep', { config: {}, axes: { batchSize: [64, 0] } }, 'bad-request', /batchSize/],
  ['sweep too large', 'runs:sweep', { config: {}, axes: { seed: Array.from({ length: 50 }, (_, i) => i), lambdaScl: Array.from({ length: 50 }, (_, i) => i) } }, 'bad-request', /2500 runs/],
  ['sweep axis not an array', 'runs:sweep', { config: {}, axes: { seed: 3 } }, 'bad-request', /axes/],
  ['metrics maxPoints too small', 'metrics:steps', { runId: 'x', term: 'loss', maxPoints: 1 }, 'bad-request', /maxPoints/],
  ['unknown attack', 'evals:start', { runId: 'RUN', attack: 'laser' }, 'bad-request', /unknown attack "laser"/],
  ['negative eval eps', 'evals:start', { runId: 'RUN', attack: 'pgd', eps: -1 }, 'bad-request', /eps must be/],
  ['eval eps as text', 'evals:start', { runId: 'RUN', attack: 'pgd', eps: 'lots' }, 'bad-request', /eps must be/],
  ['eval n 0', 'evals:start', { runId: 'RUN', attack: 'pgd', n: 0 }, 'bad-request', /n/],
  ['unknown run (analysis)', 'analysis:start', { runId: 'nope', epsSweep: [0] }, 'not-found', /no run "nope"/],
  ['analysis with neither epsSweep nor tsne', 'analysis:start', { runId: 'RUN' }, 'bad-request', /analysis:start: choose at least one of epsSweep .* and tsne/],
  ['analysis with tsne false only', 'analysis:start', { runId: 'RUN', tsne: false }, 'bad-request', /choose at least one/],
  ['analysis eps above 1', 'analysis:start', { runId: 'RUN', epsSweep: [0, 1.5] }, 'bad-request', /epsSweep value must be .* \(got 1\.5\)/],
  ['analysis eps as text', 'analysis:start', { runId: 'RUN', epsSweep: ['8/255', 'lots'] }, 'bad-request', /epsSweep value must be .* \(got "lots"\)/],
  ['analysis eps sweep empty', 'analysis:start', { runId: 'RUN', epsSweep: [] }, 'bad-request', /epsSweep/],
  ['analysis eps sweep of 21 values', 'analysis:start', { runId: 'RUN', epsSweep: Array.from({ length: 21 }, () => 0) }, 'bad-request', /epsSweep/],
  ['analysis unknown field', 'analysis:start', { runId: 'RUN', tsne: true, perplexity: 5 }, 'bad-request', /perplexity/],
  ['compare with no runs', 'compare:table', { runIds: [] }, 'bad-request', /runIds/],
  ['compare summary epoch 0', 'compare:table', { runIds: ['RUN'], summary: { kind: 'epoch', epoch: 0 } }, 'bad-request', /epoch/],
  ['compare summary kind unknown', 'compare:table', { runIds: ['RUN'], summary: { kind: 'median' } }, 'bad-request', /kind/],
  ['export of an unknown kind', 'export:csv', { what: 'everything', runIds: ['RUN'] }, 'bad-request', /what/],
  ['resume of a completed run', 'runs:resume', { id: 'RUN' }, 'conflict', /is completed/],
  ['cancel of a completed run', 'runs:cancel', { id: 'RUN' }, 'conflict', /is completed/],
  ['unknown preset', 'runs:start', { preset: 'table9/nope', config: {} }, 'bad-request', /unknown preset "table9\/nope"/],
  ['empty sweep (axes {})', 'runs:sweep', { config: {}, axes: {} }, 'bad-request', /axes: a sweep needs at least one axis/],
  ['terminal escape in a run name', 'runs:start', { name: '\u001b[31mred\u001b[0m', config: {} }, 'bad-request', /name: a name must not contain control characters.*\\u001b\[31mred/],
  ['newline in a group name', 'runs:start', { group: 'a\nb', config: {} }, 'bad-request', /group: a name must not contain control characters/],
  ['bidirectional override in a sweep name', 'runs:sweep', { name: 'abc\u202Edef', config: {}, axes: { seed: [0] } }, 'bad-request', /name: a name must not contain/],
  ['control character in a sweep axis value', 'runs:sweep', { config: {}, axes: { dataDir: ['a\u0007b'] } }, 'bad-request', /axes\.dataDir\.0/],
  ['run name of 201 characters', 'runs:start', { name: 'n'.repeat(201), config: {} }, 'bad-request', /name: a name has at most 200 characters/],
  // Per-example outcomes and images.
  ['examples of an unknown evaluation', 'examples:list', { runId: 'RUN', evaluationId: 999 }, 'not-found', /run .* has no evaluation 999/],
  ['examples with an unknown filter', 'examples:list', { runId: 'RUN', evaluationId: 1, filter: 'fragile' }, 'bad-request', /filter/],
  ['examples with evaluation id 0', 'examples:list', { runId: 'RUN', evaluationId: 0 }, 'bad-request', /evaluationId/],
  ['example images of 65 indices', 'examples:images', { runId: 'RUN', evaluationId: 1, indices: Array.from({ length: 65 }, (_, i) => i) }, 'bad-request', /indices/],
  ['example images with a negative index', 'examples:images', { runId: 'RUN', evaluationId: 1, indices: [-1] }, 'bad-request', /indices/],
  ['example images of an unknown run', 'examples:images', { runId: 'nope', evaluationId: 1, indices: [0] }, 'not-found', /no run "nope"/],
  ['selection images past the run\'s training images', 'selection:images', { runId: 'RUN', indices: [0, 16] }, 'bad-request', /index 16 is not one of run .*'s 16 training images/],
  ['selection images with no index', 'selection:images', { runId: 'RUN', indices: [] }, 'bad-request', /indices/],
];

describe(`malformed requests (${CASES.length} kinds) through dispatch`, () => {
  it.each(CASES)('%s: a clear error, store unchanged', async (_title, channel, payload, code, message) => {
    const p = JSON.parse(JSON.stringify(payload ?? null).replaceAll('"RUN"', JSON.stringify(runId))) as unknown;
    let caught: unknown = null;
    try {
      await dispatch(service, channel, p);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(Error);
    const err = caught as Error;
    if (err instanceof ApiError) expect(code.split('|')).toContain(err.code);
    else expect(code.split('|')).toContain('internal');
    expect(err.message).toMatch(message);
    expect(err.message.length).toBeLessThan(2000);
    expect(dumpStore(service.store.dbPath)).toBe(before);
  });
});
