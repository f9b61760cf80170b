/**
 * Runs: list, get, start, sweep, cancel, resume, delete. Every state change goes through one
 * conditional transition of the store (store/runs.ts): of two processes resuming one run, one
 * wins and the other is answered `conflict` naming the run and the status it found.
 */
import type { ApiHandlers, RunStatus, RunSummary } from '../../shared/channels.js';
import { ApiError } from '../../api/dispatch.js';
import { ConfigError } from '../../shared/run-config.js';
import type { RunRecord } from '../../store/rows.js';
import { ACTIVE } from '../../store/runs.js';
import { reconcile, requireRun, type ServiceContext } from '../context.js';
import { resolveRunConfig } from '../presets.js';
import { buildSweep } from '../sweep.js';
import { DEFAULT_QUEUE } from '../../shared/workers.js';

type RunHandlers = Pick<ApiHandlers, 'runs:list' | 'runs:get' | 'runs:start' | 'runs:sweep' | 'runs:cancel' | 'runs:resume' | 'runs:delete' | 'workers:list'>;

export const MAX_CONFIG_JSON = 64 * 1024;

/** The run as the API shows it; a run with a damaged stored value shows that as its error. */
export function summarize(ctx: ServiceContext, r: RunRecord): RunSummary {
  const p = ctx.runs.progress(r.id) ?? ctx.remote?.progress(r.id) ?? null;
  const c = r.config;
  let status: RunStatus = r.status;
  let error = r.damage ?? r.error;
  // Read-only: what a writer would record for a run whose owner is gone, without writing it.
  if (ctx.store.readonly && ACTIVE.includes(r.status) && !ctx.runs.isOwnerAlive(r)) {
    status = 'interrupted';
    error ??= `interrupted: the process that ran it (pid ${r.ownerPid ?? '?'}) stopped; resume it to continue from its last checkpoint (not yet recorded: the store is open read-only)`;
  }
  const text = (v: unknown): string => (r.damage ? '?' : String(v));
  return {
    id: r.id, name: r.name, group: r.group, status, defense: text(c.defense), selection: text(c.selection),
    dataset: text(c.dataset), model: text(c.model), seed: r.seed, backend: r.backend, device: r.device, epochsDone: r.epochsDone,
    epochsTotal: r.epochsTotal, createdAt: r.createdAt, updatedAt: r.updatedAt, error,
    // Live figures from this process's job, else those the owning process last stored.
    progress: r.status === 'completed' ? 1 : p ? (p.stepInEpoch + 1) / p.stepsPerEpoch : r.status === 'running' ? r.progress : 0,
    etaSeconds: p ? p.etaSeconds : r.status === 'running' ? r.etaSeconds : null,
    collapse: ctx.store.latestCollapse(r.id),
    // Distributed mode: the queue, where it runs (a worker's id, or `local` once started here) and its attempt.
    queue: r.queueName, where: r.workerId ?? (r.queueName === null && r.startedAt !== null ? 'local' : null), attempt: r.attempt,
  };
}

/** Bad configurations are ConfigErrors from the schema: answered as bad-request, nothing stored. */
export async function configOrBadRequest(preset: string | undefined, config: Record<string, unknown>, where: string) {
  if (JSON.stringify(config).length > MAX_CONFIG_JSON) throw new ApiError('too-large', `${where}: the configuration is larger than ${MAX_CONFIG_JSON} bytes`);
  try {
    return await resolveRunConfig(preset, config, where);
  } catch (err) {
    if (err instanceof ConfigError) throw new ApiError('bad-request', err.message);
    throw err;
  }
}

export function runHandlers(ctx: ServiceContext): RunHandlers {
  const { store, events, runs, owner } = ctx;
  const queued = (ids: string[]): void => {
    for (const id of ids) events.emit('run:status', { id, status: 'queued', error: null });
    if (ctx.remote) ctx.remote.enqueue(ids);
    else runs.enqueueRuns(ids);
  };
  // With a broker every new run goes to a queue (default "default"); without one a queue is refused, not ignored.
  const queueOf = (queue: string | undefined, where: string): string | null => {
    if (ctx.remote) return queue ?? DEFAULT_QUEUE;
    if (queue !== undefined) throw new ApiError('bad-request', `${where}: queue ${JSON.stringify(queue)} needs a broker (ascl serve --broker URL, or ASCL_BROKER); this service trains runs itself`);
    return null;
  };
  return {
    async 'runs:list'(req) {
      reconcile(ctx);
      return store.listRuns({ status: req.status, limit: req.limit }).map((r) => summarize(ctx, r));
    },
    async 'runs:get'(req) {
      const r = requireRun(ctx, req.id);
      return { ...summarize(ctx, r), config: r.damage ? null : r.config };
    },
    async 'runs:start'(req) {
      const config = await configOrBadRequest(req.preset, req.config, 'runs:start');
      const name = req.name?.trim() || `${config.defense}-${config.selection}-${config.model}-${config.dataset}-s${config.seed}`;
      const queueName = queueOf(req.queue, 'runs:start');
      const run = store.createRun({ name, group: req.group ?? null, config, seed: config.seed, epochsTotal: config.epochs, owner, queueName });
      queued([run.id]);
      return { id: run.id };
    },
    async 'runs:sweep'(req) {
      if (JSON.stringify(req.axes).length > MAX_CONFIG_JSON) throw new ApiError('too-large', `runs:sweep: the axes are larger than ${MAX_CONFIG_JSON} bytes`);
      const base = await configOrBadRequest(req.preset, req.config, 'runs:sweep');
      let items;
      try {
        items = buildSweep(base, req.axes, req.name);
      } catch (err) {
        throw new ApiError('bad-request', (err as Error).message);
      }
      const queueName = queueOf(req.queue, 'runs:sweep');
      // Every combination is validated above; all runs are created in one transaction.
      const ids = store.transaction(() => items.map((it) => store.createRun({
        name: it.name, group: it.group, config: it.config, seed: it.config.seed, epochsTotal: it.config.epochs, owner, queueName }).id), 'runs:sweep');
      queued(ids);
      return { ids };
    },
    async 'runs:cancel'(req) {
      const r = requireRun(ctx, req.id);
      if (ctx.remote && r.queueName !== null && ACTIVE.includes(r.status)) { ctx.remote.cancel(r.id); return { ok: true }; }
      const job = runs.liveJob(r.id);
      if (job) { job.stop(); return { ok: true }; }
      if (runs.owns(r.id)) {
        // Queued here: one conditional transition (still queued, still ours), then out of the queue.
        store.transition(r.id, 'cancelled', { from: ['queued'], owner, where: 'runs:cancel' });
        runs.removeQueued(r.id);
        events.emit('run:status', { id: r.id, status: 'cancelled', error: null });
        return { ok: true };
      }
      if (ACTIVE.includes(r.status)) {
        throw new ApiError('conflict', `runs:cancel: run ${r.id} belongs to another process (pid ${r.ownerPid ?? '?'} on ${r.ownerHost ?? '?'}); cancel it there`);
      }
      throw new ApiError('conflict', `runs:cancel: run ${r.id} is ${r.status}, not queued or running`);
    },
    async 'runs:resume'(req) {
      reconcile(ctx);
      requireRun(ctx, req.id);
      const before = store.claimForResume(req.id, owner);
      // Through the broker: the run's queue, and the next attempt (the last attempt's finished job keeps its id).
      if (ctx.remote) store.markRemote(req.id, before.queueName ?? DEFAULT_QUEUE, true);
      queued([req.id]);
      return { ok: true };
    },
    async 'workers:list'() {
      return store.workerInfos();
    },
    async 'runs:delete'(req) {
      reconcile(ctx);
      requireRun(ctx, req.id);
      store.deleteRun(req.id);
      return { ok: true };
    },
  };
}
