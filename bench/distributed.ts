/**
 * `npm run bench:distributed [-- --json] [--runs 4] [--epochs 3] [--limit 192] [--batch 16] [--backend wasm]`
 *
 * Distributed mode's cost (issue 10). The same runs (synthetic data, small-cnn, seeds 0..runs-1) on 2 cores:
 *   local:  one `ascl serve --workers 2` (no broker), the runs started by one runs:sweep;
 *   broker: Redis + a coordinator (`ascl serve --broker`) + 2 `ascl worker --concurrency 1` (test/distributed/cluster.ts).
 * Printed: each path's wall time from the sweep to the last run settled (the processes are up and the workers have
 * said hello before the clock starts), the broker's overhead in %, and the latency from a worker's epoch end to the
 * coordinator's `run:epoch` event on the served API's WebSocket /events (median, max over all epochs). A worker's
 * epoch end is the time it logs (`... epoch N ended at MS`) where it does; else the epoch's last training step
 * (then the latency includes the end-of-epoch evaluation, for both paths alike, and the output says so).
 * With --json the last line is one JSON object. Not a test: nothing is asserted.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { z } from 'zod';
import { BACKENDS } from '../src-main/shared/options.js';
import { BIN, ROOT } from '../test/cli/cli-helpers.js';
import { createCluster, waitFor } from '../test/distributed/cluster.js';

const Args = z.object({
  json: z.boolean(),
  runs: z.number().int().min(1).max(64),
  epochs: z.number().int().min(1).max(100),
  limit: z.number().int().min(16),
  batch: z.number().int().min(1),
  backend: z.enum(BACKENDS),
});
type Args = z.infer<typeof Args>;

function parseArgs(argv: string[]): Args {
  const raw: Record<string, unknown> = { json: false, runs: 4, epochs: 3, limit: 192, batch: 16, backend: 'wasm' };
  const num = (flag: string, v: string | undefined): number => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n)) throw new Error(`bench:distributed: ${flag} needs a number (got ${JSON.stringify(v)})`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') raw.json = true;
    else if (a === '--runs' || a === '--epochs' || a === '--limit' || a === '--batch') raw[a.slice(2)] = num(a, argv[++i]);
    else if (a === '--backend') raw.backend = argv[++i];
    else throw new Error(`bench:distributed: unknown argument '${a}' (known: --json --runs N --epochs N --limit N --batch N --backend NAME)`);
  }
  const r = Args.safeParse(raw);
  if (!r.success) throw new Error(`bench:distributed: bad arguments: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return r.data;
}

interface Api { url: string; call<T>(channel: string, body?: unknown): Promise<T> }
interface EpochSeen { id: string; epoch: number; at: number }
interface PathResult { wallSeconds: number; statuses: string[]; epochs: number; latencyMs: { median: number; max: number; n: number }; epochEnd: 'worker-log' | 'last-step' }

function apiAt(url: string, token: string | null): Api {
  return {
    url,
    async call<T>(channel: string, body: unknown = {}): Promise<T> {
      const res = await fetch(`${url}/api/${channel}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
      const json = await res.json() as T;
      if (!res.ok) throw new Error(`bench:distributed: ${channel}: HTTP ${res.status}: ${JSON.stringify(json)}`);
      return json;
    },
  };
}

const EpochEvent = z.object({ event: z.string(), payload: z.object({ id: z.string(), row: z.object({ epoch: z.number() }).passthrough() }).passthrough() });

/** Every run:epoch event of the served API, timed on arrival. */
async function watchEpochs(url: string, token: string | null): Promise<{ seen: EpochSeen[]; close(): void }> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/events`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  const seen: EpochSeen[] = [];
  ws.on('message', (data: WebSocket.RawData) => {
    const at = Date.now();
    let json: unknown;
    try { json = JSON.parse(String(data)); } catch { return; } // not an event: nothing to time
    const m = EpochEvent.safeParse(json);
    if (m.success && m.data.event === 'run:epoch') seen.push({ id: m.data.payload.id, epoch: m.data.payload.row.epoch, at });
  });
  await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject); });
  return { seen, close: () => ws.close() };
}

const WORKER_EPOCH = /run (\S+): epoch (\d+) ended at (\d+)/g;

/** When each (run, epoch) ended on its worker: the workers' log lines, else the epoch's last step time from the store. */
async function epochEnds(api: Api, ids: string[], epochs: number, logs: string): Promise<{ ends: Map<string, number>; from: PathResult['epochEnd'] }> {
  const ends = new Map<string, number>();
  for (const m of logs.matchAll(WORKER_EPOCH)) ends.set(`${m[1]}:${m[2]}`, Number(m[3]));
  if (ends.size > 0) return { ends, from: 'worker-log' };
  for (const id of ids) {
    const { points } = await api.call<{ points: Array<{ step: number; time: number }> }>('metrics:steps', { runId: id, term: 'loss', maxPoints: 100_000 });
    const per = points.length / epochs;
    for (let e = 1; e <= epochs; e++) {
      const last = points[Math.round(e * per) - 1];
      if (last) ends.set(`${id}:${e}`, last.time);
    }
  }
  return { ends, from: 'last-step' };
}

async function timeSweep(api: Api, a: Args, token: string | null, logs: () => string): Promise<PathResult> {
  const watch = await watchEpochs(api.url, token);
  try {
    const config = { dataset: 'synthetic', model: 'small-cnn', defense: 'nat', limit: a.limit, batchSize: a.batch, evalSubset: 64, epochs: a.epochs, backend: a.backend };
    const t0 = Date.now();
    const { ids } = await api.call<{ ids: string[] }>('runs:sweep', { name: 'bench', config, axes: { seed: Array.from({ length: a.runs }, (_, i) => i) } });
    const settled = await waitFor('every run settled', async () => {
      const runs = await api.call<Array<{ id: string; status: string }>>('runs:list', { limit: 1000 });
      const mine = runs.filter((r) => ids.includes(r.id));
      return mine.length === ids.length && mine.every((r) => r.status !== 'queued' && r.status !== 'running') ? mine : undefined;
    }, 6 * 3600_000, logs);
    const wallSeconds = (Date.now() - t0) / 1000;
    const { ends, from } = await epochEnds(api, ids, a.epochs, logs());
    const lat = watch.seen.filter((s) => ids.includes(s.id)).flatMap((s) => { const end = ends.get(`${s.id}:${s.epoch}`); return end === undefined ? [] : [s.at - end]; }).sort((x, y) => x - y);
    return { wallSeconds, statuses: ids.map((id) => settled.find((r) => r.id === id)?.status ?? '?'), epochs: watch.seen.length,
      latencyMs: { median: lat.length ? lat[Math.floor(lat.length / 2)] : NaN, max: lat.length ? lat[lat.length - 1] : NaN, n: lat.length }, epochEnd: from };
  } finally { watch.close(); }
}

/** `ascl serve --workers 2` without a broker, on its own store. */
async function localPath(a: Args, dir: string): Promise<PathResult> {
  const home = path.join(dir, 'local');
  fs.mkdirSync(home, { recursive: true });
  const child = spawn(process.execPath, [BIN, 'serve', '--workers', '2', '--port', '0', '--db', path.join(home, 'ascl.db'), '--no-ui'], { cwd: ROOT, env: { ...process.env, ASCL_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  try {
    const url = await waitFor('the local server\'s URL', () => /served at (http:\/\/[^/\s]+)/.exec(out)?.[1], 60_000, () => out);
    return await timeSweep(apiAt(url, null), a, null, () => out);
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

async function brokerPath(a: Args): Promise<PathResult> {
  const c = await createCluster({ backend: a.backend });
  try {
    await c.startRedis();
    await c.startCoordinator();
    const token = c.token;
    const api = apiAt(c.coordinator!.url, token);
    c.startWorker({ concurrency: 1 });
    c.startWorker({ concurrency: 1 });
    await waitFor('both workers\' hello', async () => ((await api.call<unknown[]>('workers:list')).length >= 2 ? true : undefined), 120_000, () => c.logs());
    return await timeSweep(api, a, token, () => c.workers.map((w) => w.output()).join('\n'));
  } finally {
    await c.stop();
  }
}

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  const redis = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (redis.status !== 0) throw new Error(`bench:distributed: redis-server is not installed (${redis.error?.message ?? redis.stderr.trim()}); apt-get install redis-server`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ascl-bench-dist-'));
  try {
    const say = (line: string): void => { if (!a.json) process.stdout.write(`${line}\n`); };
    say(`distributed bench: ${a.runs} runs x ${a.epochs} epochs (synthetic, small-cnn, limit ${a.limit}, batch ${a.batch}, ${a.backend}) on 2 cores`);
    const local = await localPath(a, dir);
    say(`local  (ascl serve --workers 2):            ${local.wallSeconds.toFixed(1)} s; ${local.statuses.join(' ')}; epoch -> event median ${local.latencyMs.median} ms, max ${local.latencyMs.max} ms (${local.latencyMs.n} epochs, from ${local.epochEnd})`);
    const broker = await brokerPath(a);
    say(`broker (Redis + coordinator + 2 workers x1): ${broker.wallSeconds.toFixed(1)} s; ${broker.statuses.join(' ')}; epoch -> event median ${broker.latencyMs.median} ms, max ${broker.latencyMs.max} ms (${broker.latencyMs.n} epochs, from ${broker.epochEnd})`);
    const overheadPercent = (broker.wallSeconds / local.wallSeconds - 1) * 100;
    say(`overhead of the broker: ${overheadPercent.toFixed(1)} %`);
    if (broker.epochEnd === 'last-step') say('(epoch end = the epoch\'s last training step: both latencies include the end-of-epoch evaluation; their difference is the broker\'s)');
    if (a.json) process.stdout.write(`${JSON.stringify({ args: a, local, broker, overheadPercent })}\n`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exitCode = 1;
});
