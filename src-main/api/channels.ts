/**
 * The application's one typed API, declared once and shared by the service, both transports
 * (Electron IPC and HTTP/WebSocket) and the renderer (as electron-toolkit's typed-ipc event map).
 * Requests are validated with these zod schemas at every boundary; responses are plain JSON.
 * This file must not import TensorFlow, SQLite or Electron: the renderer bundles it.
 */
import { z } from 'zod';
import type { EvaluationProtocol } from '../engine/config/evaluation.js';

export const RUN_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled', 'interrupted'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

const runId = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'a run id has letters, digits, - and _ only');

/** Request schemas, one per channel. */
export const ApiRequests = {
  'app:info': z.object({}).strict(),
  'config:describe': z.object({}).strict(),
  'presets:list': z.object({}).strict(),
  'runs:list': z.object({ status: z.enum(RUN_STATUSES).optional(), limit: z.number().int().min(1).max(10_000).optional() }).strict(),
  'runs:get': z.object({ id: runId }).strict(),
  /** config: a partial RunConfig (validated by the service against RunConfigSchema); preset applied first. */
  'runs:start': z.object({
    name: z.string().max(200).optional(),
    preset: z.string().max(100).optional(),
    config: z.record(z.string(), z.unknown()).default({}),
    group: z.string().max(200).optional(),
  }).strict(),
  /** A sweep: the base config crossed with each listed value of each listed key (e.g. selection x seed). */
  'runs:sweep': z.object({
    name: z.string().max(200).optional(),
    preset: z.string().max(100).optional(),
    config: z.record(z.string(), z.unknown()).default({}),
    axes: z.record(z.string(), z.array(z.union([z.string(), z.number(), z.boolean()])).min(1).max(50)),
  }).strict(),
  'runs:cancel': z.object({ id: runId }).strict(),
  'runs:resume': z.object({ id: runId }).strict(),
  'runs:delete': z.object({ id: runId }).strict(),
  'metrics:epochs': z.object({ runId }).strict(),
  /** Step series decimated to at most maxPoints buckets (min/max kept per bucket). */
  'metrics:steps': z.object({ runId, term: z.string().max(100), maxPoints: z.number().int().min(10).max(100_000).default(2000) }).strict(),
  'evals:list': z.object({ runId }).strict(),
  'evals:start': z.object({
    runId,
    attack: z.string().max(20),
    eps: z.union([z.number(), z.string().max(30)]).optional(),
    steps: z.number().int().min(1).max(10_000).optional(),
    n: z.number().int().min(1).max(100_000).optional(),
  }).strict(),
  'analysis:rdiv': z.object({ runId }).strict(),
  'analysis:tsne': z.object({ runId }).strict(),
  /**
   * Computes (on the run queue) R-DIV over eps for the listed budgets and/or the t-SNE, from the run's newest checkpoint; at least one of the two.
   * steps: the PGD's iterations (default: the dataset's evaluation PGD, k = 250, as Figures 2, 4-6); n: test images for R-DIV (default 512).
   */
  'analysis:start': z.object({
    runId,
    epsSweep: z.array(z.union([z.number(), z.string().max(30)])).min(1).max(20).optional(),
    tsne: z.boolean().optional(),
    steps: z.number().int().min(1).max(10_000).optional(),
    n: z.number().int().min(2).max(100_000).optional(),
  }).strict(),
  'selection:snapshots': z.object({ runId }).strict(),
  'compare:table': z.object({
    runIds: z.array(runId).min(1).max(500),
    summary: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('last') }),
      z.object({ kind: z.literal('best') }),
      z.object({ kind: z.literal('epoch'), epoch: z.number().int().min(1) }),
    ]).default({ kind: 'last' }),
  }).strict(),
  'export:csv': z.object({
    what: z.enum(['epochs', 'steps', 'evals', 'compare']),
    runIds: z.array(runId).min(1).max(500),
  }).strict(),
} as const;

export type ApiChannel = keyof typeof ApiRequests;
export type ApiRequest<C extends ApiChannel> = z.input<(typeof ApiRequests)[C]>;
export type ApiParsedRequest<C extends ApiChannel> = z.output<(typeof ApiRequests)[C]>;

export interface RunSummary {
  id: string;
  name: string;
  group: string | null;
  status: RunStatus;
  defense: string;
  selection: string;
  dataset: string;
  model: string;
  seed: number;
  backend: string | null;
  epochsDone: number;
  epochsTotal: number;
  createdAt: string;
  updatedAt: string;
  error: string | null;
  /** Progress within the current epoch, 0..1, and estimated seconds left for the run. */
  progress: number;
  etaSeconds: number | null;
}

export interface EpochRow {
  epoch: number;
  natAccuracy: number;
  pgdAccuracy: number;
  trainAccuracy: number;
  learningRate: number;
  seconds: number;
  terms: Record<string, number>;
}

export interface EvalRow {
  id: number;
  runId: string;
  attack: string;
  eps: number;
  steps: number | null;
  /** PGD's fixed step (FGSM: eps); null where the attack sets its own. */
  stepSize: number | null;
  n: number;
  /** Size of the test split the first n images came from (null for rows stored before the protocol was). */
  testSetSize: number | null;
  cleanAccuracy: number;
  robustAccuracy: number;
  /** Standard errors sqrt(p (1 - p) / n) of the two accuracies. */
  cleanStdErr: number;
  robustStdErr: number;
  /** The resolved protocol (null for rows stored before it was). */
  protocol: EvaluationProtocol | null;
  seconds: number;
  createdAt: string;
}

/** Response types, one per channel. */
export interface ApiResponses {
  'app:info': { version: string; backend: string | null; workers: number; dbPath: string };
  /** nullable: the field accepts null (an empty form field), meaning "the documented default" (e.g. eps: the dataset's). */
  'config:describe': { fields: Array<{ key: string; type: 'number' | 'integer' | 'boolean' | 'enum' | 'string' | 'array'; default: unknown; options?: string[]; description?: string; nullable?: boolean }> };
  'presets:list': Array<{ name: string; description: string; config: Record<string, unknown> }>;
  'runs:list': RunSummary[];
  'runs:get': RunSummary & { config: Record<string, unknown> };
  'runs:start': { id: string };
  'runs:sweep': { ids: string[] };
  'runs:cancel': { ok: true };
  'runs:resume': { ok: true };
  'runs:delete': { ok: true };
  'metrics:epochs': EpochRow[];
  'metrics:steps': { term: string; points: Array<{ step: number; min: number; max: number; mean: number; time: number }> };
  'evals:list': EvalRow[];
  'evals:start': { id: number };
  'analysis:rdiv': {
    epochs: Array<{ epoch: number; dPlus: number; dMinus: number; rdiv: number }>;
    eps: Array<{ eps: number; dPlus: number; dMinus: number; rdiv: number; robustAccuracy: number }>;
  };
  'analysis:tsne': { points: Array<{ x: number; y: number; label: number; adversarial: boolean; entropy: number }> };
  'analysis:start': { id: number };
  'selection:snapshots': Array<{ epoch: number; anchorIndex: number; anchorLabel: number; positives: Array<{ index: number; adversarial: boolean }>; negatives: Array<{ index: number; adversarial: boolean }> }>;
  'compare:table': {
    /** Per metric: mean and sample std over the group's runs; se: standard error of an evaluation figure (null for per-epoch monitoring). */
    rows: Array<{ group: string; runIds: string[]; n: number; metrics: Record<string, { mean: number; std: number; se?: number | null } | null> }>;
    columns: string[];
    configDiff: Record<string, Record<string, unknown>>;
  };
  'export:csv': { filename: string; csv: string };
}

/** Events pushed from the service to every connected UI. */
export interface ApiEvents {
  'run:status': { id: string; status: RunStatus; error: string | null };
  'run:progress': { id: string; epoch: number; step: number; stepInEpoch: number; stepsPerEpoch: number; loss: number; samplesPerSecond: number; etaSeconds: number | null };
  'run:epoch': { id: string; row: EpochRow };
  'eval:done': { runId: string; row: EvalRow };
  /** An analysis:start task finished: its results are stored (ok) or it failed (error names why). */
  'analysis:done': { runId: string; ok: boolean; error: string | null };
}
export type ApiEvent = keyof ApiEvents;
/** The event names as a runtime list (for the transports' forwarding); checked complete against ApiEvents. */
export const API_EVENTS = ['run:status', 'run:progress', 'run:epoch', 'eval:done', 'analysis:done'] as const satisfies readonly ApiEvent[];
type MissingEvents = Exclude<ApiEvent, (typeof API_EVENTS)[number]>;
const _allEventsListed: MissingEvents extends never ? true : false = true;
void _allEventsListed;
/** The channel names as a runtime list (for the preload's allow-list). */
export const API_CHANNELS = Object.keys(ApiRequests) as ApiChannel[];

/** The service's shape: one async method per channel. Both transports call exactly this. */
export type ApiHandlers = { [C in ApiChannel]: (req: ApiParsedRequest<C>) => Promise<ApiResponses[C]> };

/** Error sent over either transport: a code and a message naming the problem. */
export interface ApiErrorBody { error: { code: 'bad-request' | 'not-found' | 'conflict' | 'internal' | 'unauthorized' | 'too-large'; message: string } }

/** Subscription to service events; returns the unsubscribe function. */
export interface ApiEventSource {
  on<E extends ApiEvent>(event: E, listener: (payload: ApiEvents[E]) => void): () => void;
}

/** What both transports wrap: the handlers plus the event stream. */
export type ApiService = ApiHandlers & ApiEventSource;
