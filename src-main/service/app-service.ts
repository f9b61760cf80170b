/**
 * The application service behind both transports and the CLI: every ApiService channel, a
 * queue of runs executed on worker threads (one run per worker, one worker per core by default),
 * cancel and resume, background tasks and events. The main thread only schedules and writes to
 * the store. The handlers live by feature in ./features/ (runs, metrics, evaluations, analysis,
 * export, info); this file composes them and owns the store's lifetime.
 */
import type { ThreadsSetting } from './core-share.js';
import os from 'node:os';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Coordinator } from '../queue/coordinator.js';
import { Submitter } from '../queue/submitter.js';
import type { BrokerUrl } from '../queue/broker-url.js';
import { VERSION } from './features/info.js';
import type { ApiHandlers, ApiService, RunStatus } from '../shared/channels.js';
import type { BackendChoice } from '../shared/options.js';
import { Store } from '../store/store.js';
import { reconcile, toApiError, type ServiceContext } from './context.js';
import { EventHub } from './events.js';
import { analysisAttack, analysisHandlers, analyzer, type Analyze, type AnalyzeRequest } from './features/analysis.js';
import { evalHandlers, evaluator, type Evaluate } from './features/evaluations.js';
import { gridEvaluator, type EvaluateGrid } from './features/eval-grid.js';
import { exportHandlers } from './features/export.js';
import { exampleHandlers } from './features/examples.js';
import { infoHandlers } from './features/info.js';
import { matrixHandlers } from './features/matrix.js';
import { metricHandlers } from './features/metrics.js';
import { runHandlers } from './features/runs.js';
import { studyHandlers } from './features/studies.js';
import { estimateHandlers, estimator } from './features/estimate.js';
import { RunQueue } from './run-queue.js';
import type { EngineModules } from './engine.js';

export type { AnalyzeRequest };
export { analysisAttack };

export interface AppServiceOptions {
  dbPath: string;
  /** Runs trained at once, one per worker thread (default: one per core). */
  workers?: number;
  /** Backend for runs whose config says `auto`. */
  backend?: BackendChoice;
  /** Newest checkpoints kept per run (older ones are deleted once a newer one is recorded). */
  keepCheckpoints?: number;
  /** Cores per run on wasm: 'auto' shares the machine's cores (service/core-share.ts); default ASCL_WASM_THREADS, else 'auto'. */
  threads?: ThreadsSetting;
  /** Engine modules replaced by test doubles (service/engine.ts); default: the real engine. */
  engineModules?: Partial<EngineModules>;
  /** Open the store read-only (`ascl runs`, `show`, `export`): every channel that writes answers `conflict`. */
  readonly?: boolean;
  /** Create the store's folder when missing (the default application folder); false for an explicit --db path. */
  createFolder?: boolean;
  log?: (message: string) => void;
  /** Distributed mode: runs go to remote workers through this broker; the worker API needs `token` (>= 16 characters). */
  broker?: { url: BrokerUrl; token: string };
  /**
   * Distributed mode without coordinating (`ascl train|study run --broker` on the coordinator's store): new runs
   * are queued for the broker's workers and followed through the store; the coordinator dispatches them.
   */
  submitTo?: BrokerUrl;
}

export interface AppService extends ApiService {
  readonly store: Store;
  /** Resolves with the run's status once it is no longer queued or running in this service. */
  waitForRun(id: string): Promise<RunStatus>;
  /** Cores the run's wasm backend was given, while it runs in this service (service/core-share.ts); null otherwise. */
  runThreads(id: string): number | null;
  /** Runs an evaluation on a worker; stores it when `runId` is given. */
  evaluate: Evaluate;
  /** Runs an eps-grid evaluation on one worker; stores one evaluation per grid value when `runId` is given. */
  evaluateGrid: EvaluateGrid;
  /** Latent-space analyses of a run (R-DIV over its stored checkpoints and over eps, t-SNE), stored for the UI. */
  analyze: Analyze;
  /** Distributed mode: the worker API's handler for the HTTP server's /worker/ routes; absent without a broker. */
  workerRoutes?: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;
  close(): Promise<void>;
}

/** Every handler answers store errors as API errors (conflict, not-found, internal with the store's message). */
function withApiErrors(handlers: ApiHandlers): ApiHandlers {
  const out: Record<string, (req: never) => Promise<unknown>> = {};
  for (const [name, h] of Object.entries(handlers) as Array<[string, (req: never) => Promise<unknown>]>) {
    out[name] = async (req: never) => {
      try { return await h(req); } catch (err) { throw toApiError(err); }
    };
  }
  return out as unknown as ApiHandlers;
}

export async function createAppService(options: AppServiceOptions): Promise<AppService> {
  const workers = Math.max(1, Math.floor(options.workers ?? os.availableParallelism()));
  const backend = options.backend ?? 'auto';
  const log = options.log ?? ((m: string) => console.error(m));
  const store = new Store(options.dbPath, { readonly: options.readonly ?? false, createFolder: options.createFolder });
  const events = new EventHub();
  const runs = new RunQueue({ workers, store, events, backend, log, keepCheckpoints: options.keepCheckpoints ?? 2, engineModules: options.engineModules, threads: options.threads });
  const ctx: ServiceContext = { store, events, runs, owner: runs.owner, backend, workers, log };
  let coordinator: Coordinator | null = null;
  if (options.broker) {
    coordinator = new Coordinator({ broker: options.broker.url, token: options.broker.token, store, events, owner: runs.owner,
      keepCheckpoints: options.keepCheckpoints ?? 2, version: VERSION, log });
    // Before the local reconcile: a restarted coordinator's remote runs are taken over, not marked interrupted.
    coordinator.adopt();
    ctx.remote = coordinator;
  }
  const submitter = !coordinator && options.submitTo ? new Submitter({ broker: options.submitTo, store, events, log }) : null;
  if (submitter) ctx.remote = submitter;
  reconcile(ctx);
  if (coordinator) {
    try {
      await coordinator.start();
    } catch (err) {
      await coordinator.close();
      await runs.close();
      store.close();
      throw err;
    }
  }
  const remote = coordinator;

  const evaluate = evaluator(ctx);
  const evaluateGrid = gridEvaluator(ctx);
  const analyze = analyzer(ctx);
  const handlers = withApiErrors({
    ...infoHandlers(ctx), ...runHandlers(ctx), ...metricHandlers(ctx), ...evalHandlers(ctx, evaluate, evaluateGrid),
    ...analysisHandlers(ctx, analyze), ...exportHandlers(ctx), ...exampleHandlers(ctx),
    ...matrixHandlers(ctx),
    ...studyHandlers(ctx),
    // Training health and first steps: the time a run would take, before it starts.
    ...estimateHandlers(estimator({ store, backend, lastBackend: () => runs.lastBackend, engineModules: options.engineModules })),
  });

  return {
    ...handlers,
    store,
    on: (event, listener) => events.on(event, listener),

    runThreads(id: string): number | null {
      return runs.liveJob(id)?.threads ?? null;
    },
    waitForRun(id: string): Promise<RunStatus> {
      return new Promise((resolve) => {
        const r = store.getRun(id);
        if (!r) { resolve('failed'); return; }
        if (!runs.owns(id) && r.status !== 'queued' && r.status !== 'running') { resolve(r.status); return; }
        // The event carries the outcome even when a full disk kept it out of the store.
        const off = events.on('run:status', (e) => { if (e.id === id && e.status !== 'queued' && e.status !== 'running') { off(); queueMicrotask(() => resolve(e.status)); } });
      });
    },
    evaluate,
    evaluateGrid,
    analyze,
    ...(remote ? { workerRoutes: (req: IncomingMessage, res: ServerResponse, url: URL) => remote.handle(req, res, url) } : {}),

    async close() {
      await remote?.close();
      await submitter?.close();
      await runs.close();
      store.close();
    },
  };
}

