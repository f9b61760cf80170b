/**
 * The application's one typed API, declared once and shared by the service, both transports
 * (Electron IPC and HTTP/WebSocket) and the renderer (as electron-toolkit's typed-ipc event map).
 * Requests are validated with these zod schemas at every boundary; responses are plain JSON.
 * This file must not import TensorFlow, SQLite or Electron: the renderer bundles it.
 */
import { z } from 'zod';
import type { RunConfig, RunConfigInput } from './run-config.js';
import type { EpochRow, EvalRow, RdivEpochRow, RdivEpsRow, SelectionSnapshot, StepPoint, TsnePoint } from './rows.js';

export const RUN_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled', 'interrupted'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
/** The kinds of background task, each started by one channel (evals:start, analysis:start). */
export const TASK_KINDS = ['eval', 'analysis'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

/**
 * A partial run configuration (RunConfigInput: any subset of the fields, eps as a number or a
 * fraction). Checked to be an object here; the service validates it against RunConfigSchema once
 * the preset is applied, so each bad key and value is named in the answer.
 */
const runConfigInput = z.custom<RunConfigInput>((v) => v !== null && typeof v === 'object' && !Array.isArray(v), 'expected an object of run configuration fields');

const runId = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'a run id has letters, digits, - and _ only');

/** Longest run, group or sweep name. */
export const MAX_NAME_LENGTH = 200;
/** C0/C1 controls (ESC starts terminal escape sequences), line/paragraph separators and bidirectional overrides. */
const NAME_FORBIDDEN = /[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069]/u;
/** A name shown in tables and terminals: printable text only, at most MAX_NAME_LENGTH characters. */
export const displayName = z.string()
  .max(MAX_NAME_LENGTH, `a name has at most ${MAX_NAME_LENGTH} characters`)
  .refine((s) => !NAME_FORBIDDEN.test(s), 'a name must not contain control characters (such as ESC, tab, newline) or bidirectional overrides');

/** Request schemas, one per channel. */
export const ApiRequests = {
  'app:info': z.object({}).strict(),
  'config:describe': z.object({}).strict(),
  'presets:list': z.object({}).strict(),
  'runs:list': z.object({ status: z.enum(RUN_STATUSES).optional(), limit: z.number().int().min(1).max(10_000).optional() }).strict(),
  'runs:get': z.object({ id: runId }).strict(),
  /** config: a partial RunConfig; preset applied first, then config, then the defaults. */
  'runs:start': z.object({
    name: displayName.optional(),
    preset: z.string().max(100).optional(),
    config: runConfigInput.default({}),
    group: displayName.optional(),
  }).strict(),
  /** A sweep: the base config crossed with each listed value of each listed key (e.g. selection x seed). */
  'runs:sweep': z.object({
    name: displayName.optional(),
    preset: z.string().max(100).optional(),
    config: runConfigInput.default({}),
    /** Keys are RunConfig keys (checked by the service, which names an unknown one). String values become
     * part of the runs' names and groups: the same rules as a name. */
    axes: z.record(z.string(), z.array(z.union([displayName, z.number(), z.boolean()])).min(1).max(50))
      .refine((a) => Object.keys(a).length > 0, 'a sweep needs at least one axis (e.g. {"seed": [0, 1, 2]}); use runs:start for a single run'),
  }).strict(),
  'runs:cancel': z.object({ id: runId }).strict(),
  'runs:resume': z.object({ id: runId }).strict(),
  'runs:delete': z.object({ id: runId }).strict(),
  'metrics:epochs': z.object({ runId }).strict(),
  /** The names of the run's stored step terms (shared/terms.ts; older runs may hold other names). */
  'metrics:terms': z.object({ runId }).strict(),
  /** Step series decimated to at most maxPoints buckets (min/max kept per bucket). */
  'metrics:steps': z.object({ runId, term: z.string().max(100), maxPoints: z.number().int().min(10).max(100_000).default(2000) }).strict(),
  'evals:list': z.object({ runId }).strict(),
  'evals:start': z.object({
    runId,
    attack: z.string().max(20),
    eps: z.union([z.number(), z.string().max(30)]).optional(),
    steps: z.number().int().min(1).max(10_000).optional(),
    n: z.number().int().min(1).max(100_000).optional(),
    /** Evaluate every eps of this strictly increasing grid (numbers or fractions like 8/255, 0 allowed) in one task; one evaluation row per value. */
    epsGrid: z.array(z.union([z.number(), z.string().max(30)])).min(1).max(32).optional(),
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
  // Training health and first steps: the time a run would take, before it is started.
  /**
   * Seconds per epoch and in total of the run runs:start would create (same preset and config):
   * from earlier completed runs of the store with the same model, dataset, backend, batch size
   * and attack steps where there are some, else from a short calibration on a worker thread.
   */
  'runs:estimate': z.object({
    preset: z.string().max(100).optional(),
    config: runConfigInput.default({}),
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
  // Training health: the newest epoch with a collapse warning (engine/train/collapse.ts); null or absent when none.
  collapse?: { epoch: number; warning: string } | null;
}

// Training health and first steps: the answer of runs:estimate.
/** Where an estimate comes from: earlier runs' stored epoch timings, or a calibration of a few real training steps. */
export const ESTIMATE_SOURCES = ['history', 'calibration'] as const;
export interface RunEstimate {
  secondsPerEpoch: number;
  totalSeconds: number;
  source: (typeof ESTIMATE_SOURCES)[number];
  /** What the figure rests on, in words (runs and epochs used, or the steps timed, and the model of the time). */
  basis: string;
  /** Relative uncertainty u: the time is expected within totalSeconds x (1 - u) .. (1 + u). */
  uncertainty: number;
  /** The backend the estimate is for (the one a run would get on this machine), or null where not known. */
  backend: string | null;
  epochs: number;
}

/** Response types, one per channel. */
export interface ApiResponses {
  'app:info': { version: string; backend: string | null; workers: number; dbPath: string };
  /** nullable: the field accepts null (an empty form field), meaning "the documented default" (e.g. eps: the dataset's). */
  'config:describe': { fields: Array<{ key: keyof RunConfig; type: 'number' | 'integer' | 'boolean' | 'enum' | 'string' | 'array'; default: unknown; options?: string[]; description?: string; nullable?: boolean }> };
  'presets:list': Array<{ name: string; description: string; config: RunConfigInput }>;
  'runs:list': RunSummary[];
  /** config is null when the stored configuration cannot be read (the summary's error names the damage). */
  'runs:get': RunSummary & { config: RunConfig | null };
  'runs:start': { id: string };
  'runs:sweep': { ids: string[] };
  'runs:cancel': { ok: true };
  'runs:resume': { ok: true };
  'runs:delete': { ok: true };
  'metrics:epochs': EpochRow[];
  'metrics:terms': string[];
  'metrics:steps': { term: string; points: StepPoint[] };
  'evals:list': EvalRow[];
  /** The stored id of the background task; its end is announced by `task:done`. */
  'evals:start': { taskId: number };
  'analysis:rdiv': { epochs: RdivEpochRow[]; eps: RdivEpsRow[] };
  'analysis:tsne': { points: TsnePoint[] };
  'analysis:start': { taskId: number };
  'selection:snapshots': SelectionSnapshot[];
  'compare:table': {
    /** Per metric: mean and sample std over the group's runs; se: standard error of an evaluation figure (null for per-epoch monitoring). */
    rows: Array<{ group: string; runIds: string[]; n: number; metrics: Record<string, { mean: number; std: number; se?: number | null } | null> }>;
    columns: string[];
    configDiff: Record<string, Record<string, unknown>>;
  };
  /** problems: runs left out because a stored value of theirs cannot be read (each names the run, table and column). */
  'export:csv': { filename: string; csv: string; problems: string[] };
  // Training health and first steps.
  'runs:estimate': RunEstimate;
}

/** Events pushed from the service to every connected UI. */
export interface ApiEvents {
  'run:status': { id: string; status: RunStatus; error: string | null };
  'run:progress': { id: string; epoch: number; step: number; stepInEpoch: number; stepsPerEpoch: number; loss: number; samplesPerSecond: number; etaSeconds: number | null };
  'run:epoch': { id: string; row: EpochRow };
  'eval:done': { runId: string; row: EvalRow };
  /** A background task (evals:start, analysis:start) ended: its results are stored (ok) or it failed (error names why). */
  'task:done': { taskId: number; kind: TaskKind; runId: string; ok: boolean; error: string | null };
}
export type ApiEvent = keyof ApiEvents;
/** The event names as a runtime list (for the transports' forwarding); checked complete against ApiEvents. */
export const API_EVENTS = ['run:status', 'run:progress', 'run:epoch', 'eval:done', 'task:done'] as const satisfies readonly ApiEvent[];
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
