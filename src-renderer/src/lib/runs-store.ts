/**
 * The run list every page shares: loaded from `runs:list`, patched in place by the service's
 * events (status, progress, epochs) and re-read every few seconds as a safety net.
 */
import { writable, type Readable } from 'svelte/store';
import type { ApiEvents, RunSummary } from '../../../src-main/shared/channels.js';
import { api } from '../api/index.js';

export interface LiveRun extends RunSummary { lastLoss: number | null; samplesPerSecond: number | null }

const store = writable<LiveRun[]>([]);
export const runs: Readable<LiveRun[]> = store;
export const runsError = writable<string | null>(null);
/** true once runs:list answered (an empty list then means an empty store: the Runs page offers the quick-start). */
export const runsLoaded = writable(false);

let loaded: Map<string, LiveRun> = new Map();

export async function refreshRuns(): Promise<void> {
  try {
    const list = await api.call('runs:list', {});
    loaded = new Map(list.map((r) => {
      const prev = loaded.get(r.id);
      return [r.id, { ...r, lastLoss: prev?.lastLoss ?? null, samplesPerSecond: prev?.samplesPerSecond ?? null }];
    }));
    store.set([...loaded.values()]);
    runsLoaded.set(true);
    runsError.set(null);
  } catch (err) {
    runsError.set((err as Error).message);
  }
}

function patch(id: string, f: (r: LiveRun) => LiveRun): void {
  const r = loaded.get(id);
  if (!r) { void refreshRuns(); return; }
  loaded.set(id, f(r));
  store.set([...loaded.values()]);
}

function onProgress(p: ApiEvents['run:progress']): void {
  patch(p.id, (r) => ({
    ...r, status: 'running', progress: p.stepsPerEpoch > 0 ? p.stepInEpoch / p.stepsPerEpoch : r.progress,
    etaSeconds: p.etaSeconds, lastLoss: p.loss, samplesPerSecond: p.samplesPerSecond, epochsDone: Math.max(r.epochsDone, p.epoch - 1),
  }));
}

let started = false;
/** Starts the live updates once (idempotent). */
export function startRunsFeed(): void {
  if (started) return;
  started = true;
  void refreshRuns();
  api.on('run:status', (s) => { patch(s.id, (r) => ({ ...r, status: s.status, error: s.error })); void refreshRuns(); });
  api.on('run:progress', onProgress);
  api.on('run:epoch', (e) => patch(e.id, (r) => ({ ...r, epochsDone: Math.max(r.epochsDone, e.row.epoch),
    collapse: e.row.collapseWarning ? { epoch: e.row.epoch, warning: e.row.collapseWarning } : r.collapse })));
  setInterval(() => { void refreshRuns(); }, 5000);
}

/** Short label for a run in legends: its name, else defense/selection/seed. */
export const runLabel = (r: Pick<RunSummary, 'name' | 'id' | 'defense' | 'selection' | 'seed'>): string =>
  r.name && r.name !== r.id ? r.name : `${r.defense}/${r.selection} s${r.seed}`;
