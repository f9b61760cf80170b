/**
 * A distributed-mode cluster on this machine for the end-to-end tests (issue 10): a redis-server on a free
 * loopback port without persistence, a coordinator (`ascl serve --broker ... --token ... --no-ui`) and N
 * `ascl worker` processes, each a child process stopped by its pid. Helpers SIGKILL a worker, restart Redis
 * empty on the same port (as a server without persistence comes back), and restart the coordinator on the
 * same store and port. Every wait has a deadline and names what it waited for.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BIN, ROOT } from '../cli/cli-helpers.js';
import { freeLoopbackPort } from './redis-proc.js';

export interface Proc { name: string; child: ChildProcess; pid: number; output: () => string; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> }

/** A free loopback TCP port (bound and released: a tiny race, acceptable for tests). */
export const freePort = freeLoopbackPort;

function startProc(name: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (d: Buffer): void => { out += d.toString(); if (out.length > 400_000) out = out.slice(-200_000); };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  if (child.pid === undefined) throw new Error(`startProc(${name}): ${cmd} did not start`);
  return { name, child, pid: child.pid, output: () => out, exited };
}

/** Polls `check` every 200 ms until it returns a value other than undefined, or throws after `ms` naming `what`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, ms: number, detail: () => string = () => ''): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown = null;
  while (Date.now() < end) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) { last = err; }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`waitFor: ${what} did not happen within ${ms} ms${last ? ` (last error: ${(last as Error).message})` : ''}\n${detail()}`);
}

async function stopProc(p: Proc, signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill(signal);
  const timer = setTimeout(() => p.child.kill('SIGKILL'), graceMs);
  await p.exited;
  clearTimeout(timer);
}

export interface Cluster {
  dir: string;
  db: string;
  token: string;
  redisPort: number;
  brokerUrl: string;
  redis: Proc | null;
  coordinator: (Proc & { url: string; port: number }) | null;
  workers: Proc[];
  startRedis(): Promise<void>;
  /** SIGKILL, then a fresh empty redis-server on the same port. */
  restartRedis(): Promise<void>;
  startCoordinator(port?: number): Promise<void>;
  /** SIGKILL the coordinator, then start it again on the same store and port. */
  restartCoordinator(): Promise<void>;
  startWorker(o?: { queue?: string; concurrency?: number; extra?: string[]; env?: NodeJS.ProcessEnv }): Proc;
  killWorker(p: Proc): Promise<void>;
  /** POST /api/<channel> with the token. */
  api<T = unknown>(channel: string, body?: unknown): Promise<T>;
  /** Every process's output, for a failure's message. */
  logs(): string;
  stop(): Promise<void>;
}

export async function createCluster(o: { token?: string; backend?: string } = {}): Promise<Cluster> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ascl-cluster-'));
  const redisPort = await freePort();
  const token = o.token ?? 'cluster-test-token-0123456789';
  const all: Proc[] = [];
  const c: Cluster = {
    dir, db: path.join(dir, 'coord', 'ascl.db'), token, redisPort, brokerUrl: `redis://127.0.0.1:${redisPort}`,
    redis: null, coordinator: null, workers: [],

    async startRedis() {
      const p = startProc('redis', 'redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir]);
      all.push(p);
      c.redis = p;
      await waitFor(`redis-server on port ${redisPort}`, () => (/Ready to accept connections/.test(p.output()) ? true : undefined), 15_000, () => p.output());
    },
    async restartRedis() {
      if (c.redis) await stopProc(c.redis, 'SIGKILL');
      await c.startRedis();
    },
    async startCoordinator(port = 0) {
      fs.mkdirSync(path.dirname(c.db), { recursive: true });
      const p = startProc('coordinator', process.execPath, [BIN, 'serve', '--broker', c.brokerUrl, '--token', token, '--port', String(port), '--db', c.db, '--no-ui', '--workers', '1'],
        { ASCL_HOME: path.join(dir, 'coord') });
      all.push(p);
      const url = await waitFor('the coordinator\'s URL', () => /served at (http:\/\/[^/\s]+)/.exec(p.output())?.[1], 60_000, () => p.output());
      c.coordinator = { ...p, url, port: Number(new URL(url).port) };
    },
    async restartCoordinator() {
      const port = c.coordinator?.port ?? 0;
      if (c.coordinator) await stopProc(c.coordinator, 'SIGKILL');
      await c.startCoordinator(port);
    },
    startWorker(w = {}) {
      if (!c.coordinator) throw new Error('startWorker: start the coordinator first');
      const n = c.workers.length;
      const home = path.join(dir, `worker-${n}`);
      fs.mkdirSync(home, { recursive: true });
      const p = startProc(`worker-${n}`, process.execPath, [BIN, 'worker', '--broker', c.brokerUrl, '--coordinator', c.coordinator.url, '--token', token,
        '--queue', w.queue ?? 'default', '--concurrency', String(w.concurrency ?? 1), '--backend', o.backend ?? 'wasm', ...(w.extra ?? [])],
      { ASCL_HOME: home, ...w.env });
      all.push(p);
      c.workers.push(p);
      return p;
    },
    async killWorker(p) { await stopProc(p, 'SIGKILL'); },
    async api<T>(channel: string, body: unknown = {}): Promise<T> {
      if (!c.coordinator) throw new Error(`api(${channel}): no coordinator`);
      const res = await fetch(`${c.coordinator.url}/api/${channel}`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
      const json = await res.json() as T;
      if (!res.ok) throw new Error(`api(${channel}): HTTP ${res.status}: ${JSON.stringify(json)}`);
      return json;
    },
    logs() {
      return all.map((p) => `----- ${p.name} (pid ${p.pid})\n${p.output().slice(-6000)}`).join('\n');
    },
    async stop() {
      for (const p of [...all].reverse()) await stopProc(p, 'SIGTERM', 5000);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return c;
}
