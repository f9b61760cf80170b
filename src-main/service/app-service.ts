/**
 * The application service behind both transports and the CLI: every ApiService channel, a
 * queue of runs executed on worker threads (one run per worker, one worker per core by default),
 * cancel and resume, and events. The main thread only schedules and writes to the store.
 */
import fs from 'node:fs';
import os from 'node:os';
import type { ApiParsedRequest, ApiResponses, ApiService, RunStatus, RunSummary } from '../api/channels.js';
import { ApiError } from '../api/dispatch.js';
import { ATTACKS, type AttackName, type BackendChoice } from '../engine/config/options.js';
import { ConfigError, attackBudget, fractionNumber, parseRunConfig, type RunConfig } from '../engine/config/run-config.js';
import { EVALUATION_DEFAULTS } from '../engine/config/evaluation.js';
import { Store } from '../store/store.js';
import type { RunRecord } from '../store/rows.js';
import { compareTable } from './compare.js';
import { exportCsv } from './csv-export.js';
import { describeRunConfig } from './describe.js';
import { runAnalyzeJob, runEvalJob, type EvalProgress } from './eval-job.js';
import { EventHub } from './events.js';
import { listPresets, resolveRunConfig } from './presets.js';
import type { AnalysisOutcome, EvalJob, EvalOutcome } from './protocol.js';
import { buildSweep } from './sweep.js';
import { RunQueue } from './run-queue.js';
import type { EngineModules } from './engine.js';

export interface AppServiceOptions {
  dbPath: string;
  /** Runs trained at once, one per worker thread (default: one per core). */
  workers?: number;
  /** Backend for runs whose config says `auto`. */
  backend?: BackendChoice;
  /** Newest checkpoints kept per run (older ones are deleted once a newer one is recorded). */
  keepCheckpoints?: number;
  /** Engine modules replaced by test doubles (service/engine.ts); default: the real engine. */
  engineModules?: Partial<EngineModules>;
  log?: (message: string) => void;
}

export interface AnalyzeRequest {
  overEpochs: boolean; epsSweep: number[]; tsne: boolean; n: number; seed: number;
  /** The analysis PGD; null: the dataset's evaluation PGD (k = 250, step 2/255 on CIFAR-10; Figures 2, 4-6), not the run's training PGD. */
  steps: number | null; stepSize?: number | null;
  /** t-SNE points (default 1000 benign + 100 adversarial, as Figure 6). */
  tsneBenign?: number; tsneAdversarial?: number;
}

export interface AppService extends ApiService {
  readonly store: Store;
  /** Resolves with the run's status once it is no longer queued or running in this service. */
  waitForRun(id: string): Promise<RunStatus>;
  /** Runs an evaluation on a worker; stores it when `runId` is given. */
  evaluate(job: EvalJob, runId: string | null, checkpointEpoch: number | null, onProgress?: (p: EvalProgress) => void): Promise<{ id: number | null; outcome: EvalOutcome }>;
  /** Latent-space analyses of a run (R-DIV over its stored checkpoints and over eps, t-SNE), stored for the UI. */
  analyze(runId: string, o: AnalyzeRequest, onProgress?: (p: EvalProgress) => void): Promise<AnalysisOutcome>;
  close(): Promise<void>;
}

const MAX_CONFIG_JSON = 64 * 1024;
const VERSION = (JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export async function createAppService(options: AppServiceOptions): Promise<AppService> {
  const workers = Math.max(1, Math.floor(options.workers ?? os.availableParallelism()));
  const backend = options.backend ?? 'auto';
  const log = options.log ?? ((m: string) => console.error(m));
  const store = new Store(options.dbPath);
  const events = new EventHub();
  const runs = new RunQueue({ workers, store, events, backend, log, keepCheckpoints: options.keepCheckpoints ?? 2, engineModules: options.engineModules });
  const owner = runs.owner;
  let evalCounter = 0;

  /** Runs left running or queued by a process that is gone become `interrupted` (resumable). */
  const reconcile = (): void => {
    for (const id of store.reconcileInterrupted((r) => runs.isOwnerAlive(r))) {
      events.emit('run:status', { id, status: 'interrupted', error: store.getRun(id)?.error ?? null });
    }
  };
  reconcile();

  const requireRun = (id: string): RunRecord => {
    const r = store.getRun(id);
    if (!r) throw new ApiError('not-found', `no run ${JSON.stringify(id)} in ${store.dbPath}`);
    return r;
  };

  const summarize = (r: RunRecord): RunSummary => {
    const p = runs.progress(r.id);
    const c = r.config;
    return {
      id: r.id, name: r.name, group: r.group, status: r.status, defense: String(c.defense), selection: String(c.selection),
      dataset: String(c.dataset), model: String(c.model), seed: r.seed, backend: r.backend, epochsDone: r.epochsDone,
      epochsTotal: r.epochsTotal, createdAt: r.createdAt, updatedAt: r.updatedAt, error: r.error,
      // Live figures from this process's job, else those the owning process last stored.
      progress: r.status === 'completed' ? 1 : p ? (p.stepInEpoch + 1) / p.stepsPerEpoch : r.status === 'running' ? r.progress : 0,
      etaSeconds: p ? p.etaSeconds : r.status === 'running' ? r.etaSeconds : null,
    };
  };

  /** Bad configurations are ConfigErrors from the schema: answered as bad-request, nothing stored. */
  const configOrBadRequest = async (preset: string | undefined, config: Record<string, unknown>, where: string) => {
    if (JSON.stringify(config).length > MAX_CONFIG_JSON) throw new ApiError('too-large', `${where}: the configuration is larger than ${MAX_CONFIG_JSON} bytes`);
    try {
      return await resolveRunConfig(preset, config, where);
    } catch (err) {
      if (err instanceof ConfigError) throw new ApiError('bad-request', err.message);
      throw err;
    }
  };


  const service: AppService = {
    store,
    on: (event, listener) => events.on(event, listener),

    async 'app:info'() {
      return { version: VERSION, backend: runs.lastBackend ?? (backend === 'auto' ? null : backend), workers, dbPath: store.dbPath };
    },
    async 'config:describe'() {
      return { fields: describeRunConfig().map(({ itemType: _i, ...f }) => f) };
    },
    async 'presets:list'() { return listPresets(); },
    async 'runs:list'(req) {
      reconcile();
      return store.listRuns({ status: req.status, limit: req.limit }).map(summarize);
    },
    async 'runs:get'(req) {
      const r = requireRun(req.id);
      return { ...summarize(r), config: r.config };
    },
    async 'runs:start'(req) {
      const config = await configOrBadRequest(req.preset, req.config, 'runs:start');
      const name = req.name?.trim() || `${config.defense}-${config.selection}-${config.model}-${config.dataset}-s${config.seed}`;
      const run = store.createRun({ name, group: req.group ?? null, config, seed: config.seed, epochsTotal: config.epochs, owner });
      events.emit('run:status', { id: run.id, status: 'queued', error: null });
      runs.enqueueRuns([run.id]);
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
      // Every combination is validated above; all runs are created in one transaction.
      const ids = store.db.transaction(() => items.map((it) => store.createRun({
        name: it.name, group: it.group, config: it.config, seed: it.config.seed, epochsTotal: it.config.epochs, owner }).id))();
      for (const id of ids) events.emit('run:status', { id, status: 'queued', error: null });
      runs.enqueueRuns(ids);
      return { ids };
    },
    async 'runs:cancel'(req) {
      const r = requireRun(req.id);
      const job = runs.liveJob(r.id);
      if (job) { job.stop(); return { ok: true }; }
      if (runs.removeQueued(r.id)) {
        store.setStatus(r.id, 'cancelled', { error: null });
        events.emit('run:status', { id: r.id, status: 'cancelled', error: null });
        return { ok: true };
      }
      if (r.status === 'running' || r.status === 'queued') {
        throw new ApiError('conflict', `runs:cancel: run ${r.id} belongs to another process (pid ${r.ownerPid ?? '?'} on ${r.ownerHost ?? '?'}); cancel it there`);
      }
      throw new ApiError('conflict', `runs:cancel: run ${r.id} is ${r.status}, not queued or running`);
    },
    async 'runs:resume'(req) {
      reconcile();
      const r = requireRun(req.id);
      if (r.status !== 'interrupted' && r.status !== 'failed' && r.status !== 'cancelled') {
        throw new ApiError('conflict', `runs:resume: run ${r.id} is ${r.status}; only interrupted, failed or cancelled runs resume`);
      }
      store.setStatus(r.id, 'queued', { owner });
      events.emit('run:status', { id: r.id, status: 'queued', error: null });
      runs.enqueueRuns([r.id]);
      return { ok: true };
    },
    async 'runs:delete'(req) {
      reconcile();
      const r = requireRun(req.id);
      if (r.status === 'running' || r.status === 'queued') throw new ApiError('conflict', `runs:delete: run ${r.id} is ${r.status}; cancel it first`);
      store.deleteRun(r.id);
      return { ok: true };
    },
    async 'metrics:epochs'(req) { requireRun(req.runId); return store.epochs(req.runId); },
    async 'metrics:steps'(req) {
      requireRun(req.runId);
      return { term: req.term, points: store.stepSeries(req.runId, req.term, req.maxPoints) };
    },
    async 'evals:list'(req) { requireRun(req.runId); return store.evaluations(req.runId); },
    async 'evals:start'(req) {
      const r = requireRun(req.runId);
      if (!(ATTACKS as readonly string[]).includes(req.attack)) {
        throw new ApiError('bad-request', `evals:start: unknown attack ${JSON.stringify(req.attack)}; known: ${ATTACKS.join(', ')}`);
      }
      const eps = req.eps === undefined ? undefined : fractionNumber.safeParse(req.eps);
      if (eps && (!eps.success || eps.data < 0 || eps.data > 1)) throw new ApiError('bad-request', `evals:start: eps must be a number in [0, 1] or a fraction like 8/255 (got ${JSON.stringify(req.eps)})`);
      const config = parseRunConfig(r.config, `evals:start(${r.id})`);
      const ckpt = store.checkpoints(r.id)[0];
      if (!ckpt) throw new ApiError('conflict', `evals:start: run ${r.id} has no checkpoint yet; train it for at least one epoch first`);
      const budget = attackBudget(config);
      const job: EvalJob = {
        kind: 'eval', source: { kind: 'checkpoint', file: store.resolveFile(ckpt.file), sha256: ckpt.sha256, config },
        dataset: config.dataset, dataDir: config.dataDir, attack: req.attack as AttackName, eps: eps?.success ? eps.data : budget.eps,
        steps: req.steps ?? null, stepSize: null, n: req.n ?? null, batchSize: config.batchSize, seed: config.seed, backend,
      };
      const id = ++evalCounter;
      runs.enqueueTask(async () => {
        try { await service.evaluate(job, r.id, ckpt.epoch); } catch (err) { log(`evals:start(${r.id}): ${(err as Error).message}`); }
      });
      return { id };
    },
    async 'analysis:rdiv'(req) { requireRun(req.runId); return store.rdiv(req.runId); },
    async 'analysis:tsne'(req) { requireRun(req.runId); return { points: store.tsne(req.runId) }; },
    async 'analysis:start'(req) {
      const r = requireRun(req.runId);
      if (!req.epsSweep?.length && req.tsne !== true) throw new ApiError('bad-request', 'analysis:start: choose at least one of epsSweep (a list of eps values) and tsne: true');
      const epsSweep = (req.epsSweep ?? []).map((v) => {
        const e = fractionNumber.safeParse(v);
        if (!e.success || e.data < 0 || e.data > 1) throw new ApiError('bad-request', `analysis:start: each epsSweep value must be a number in [0, 1] or a fraction like 8/255 (got ${JSON.stringify(v)})`);
        return e.data;
      });
      const config = parseRunConfig(r.config, `analysis:start(${r.id})`);
      if (!store.checkpoints(r.id)[0]) throw new ApiError('conflict', `analysis:start: run ${r.id} has no checkpoint yet; train it for at least one epoch first`);
      const id = ++evalCounter;
      runs.enqueueTask(async () => {
        try {
          await service.analyze(r.id, { overEpochs: false, epsSweep, tsne: req.tsne === true, n: req.n ?? 512, steps: req.steps ?? null, seed: config.seed });
          events.emit('analysis:done', { runId: r.id, ok: true, error: null });
        } catch (err) {
          const message = (err as Error).message;
          log(`analysis:start(${r.id}): ${message}`);
          events.emit('analysis:done', { runId: r.id, ok: false, error: message });
        }
      });
      return { id };
    },
    async 'selection:snapshots'(req) { requireRun(req.runId); return store.selections(req.runId); },
    async 'compare:table'(req: ApiParsedRequest<'compare:table'>): Promise<ApiResponses['compare:table']> {
      return compareTable(store, req.runIds.map(requireRun), req.summary);
    },
    async 'export:csv'(req) { return exportCsv(store, req.runIds.map(requireRun), req.what); },

    waitForRun(id: string): Promise<RunStatus> {
      return new Promise((resolve) => {
        const check = (): boolean => {
          const r = store.getRun(id);
          if (!r) { resolve('failed'); return true; }
          if (!runs.owns(id) && r.status !== 'queued' && r.status !== 'running') { resolve(r.status); return true; }
          return false;
        };
        if (check()) return;
        const off = events.on('run:status', (e) => { if (e.id === id && e.status !== 'queued' && e.status !== 'running') { off(); queueMicrotask(() => resolve(store.getRun(id)?.status ?? e.status)); } });
      });
    },

    async evaluate(job, runId, checkpointEpoch, onProgress) {
      const outcome = await runEvalJob(job, onProgress).done;
      if (runId === null) return { id: null, outcome };
      const id = store.addEvaluation({ runId, attack: outcome.attack, eps: outcome.eps, steps: outcome.steps, stepSize: outcome.stepSize, n: outcome.n,
        seed: job.seed, checkpointEpoch, cleanAccuracy: outcome.cleanAccuracy, robustAccuracy: outcome.robustAccuracy, seconds: outcome.seconds,
        protocol: outcome.protocol, outcomes: outcome.outcomes });
      const row = store.evaluations(runId).find((e) => e.id === id);
      if (row) events.emit('eval:done', { runId, row });
      return { id, outcome };
    },

    async analyze(runId, o, onProgress) {
      const r = requireRun(runId);
      const config = parseRunConfig(r.config, `analyze(${runId})`);
      const checkpoints = store.checkpoints(runId).reverse().map((c) => ({ epoch: c.epoch, file: store.resolveFile(c.file), sha256: c.sha256 }));
      if (checkpoints.length === 0) throw new ApiError('conflict', `analyze: run ${runId} has no checkpoint yet; train it for at least one epoch first`);
      const outcome = await runAnalyzeJob({ kind: 'analyze', config, checkpoints, overEpochs: o.overEpochs, epsSweep: o.epsSweep, tsne: o.tsne,
        tsneBenign: o.tsneBenign ?? 1000, tsneAdversarial: o.tsneAdversarial ?? 100,
        n: o.n, ...analysisAttack(config, o), seed: o.seed, backend }, onProgress).done;
      if (outcome.rdivEpochs.length) store.setRdivEpoch(runId, outcome.rdivEpochs);
      if (outcome.rdivEps.length) store.setRdivEps(runId, outcome.rdivEps);
      if (outcome.tsne) store.setTsne(runId, outcome.tsne);
      return outcome;
    },

    async close() {
      await runs.close();
      store.close();
    },
  };
  return service;
}

/**
 * The PGD of R-DIV over eps, robust accuracy over eps, R-DIV over epochs and the t-SNE's adversarial
 * points: the dataset's evaluation PGD (Figures 2, 4, 5, 6: k = 250, eta = 2/255 on CIFAR-10) at the
 * run's eps, unless the request overrides steps or step size. The per-epoch monitoring during
 * training stays the run's cheap PGD (engine/train/evaluate-epoch.ts).
 */
export function analysisAttack(config: RunConfig, o: Pick<AnalyzeRequest, 'steps' | 'stepSize'>): { eps: number; stepSize: number; steps: number } {
  const e = EVALUATION_DEFAULTS[config.dataset];
  return { eps: attackBudget(config).eps, stepSize: o.stepSize ?? e.pgdStepSize, steps: o.steps ?? e.pgdSteps };
}
