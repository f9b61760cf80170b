/**
 * The application's one typed API, declared once and shared by the service, both transports
 * (Electron IPC and HTTP/WebSocket) and the renderer (as electron-toolkit's typed-ipc event map).
 * Requests are validated with these zod schemas at every boundary; responses are plain JSON.
 * This file must not import TensorFlow, SQLite or Electron: the renderer bundles it.
 */
import { z } from 'zod';
import type { RunConfig, RunConfigInput } from './run-config.js';
import type { EpochRow, EvalRow, RdivEpochRow, RdivEpsRow, SelectionSnapshot, StepPoint, TsnePoint } from './rows.js';
import type { StudyProgress, StudyReport, StudyStatus } from './study-report.js';
import type { ExampleImage, ExampleOutcome, ExampleRow } from './rows.js';
import type { RunDevice } from './run-device.js';
import type { GpuPathReport } from './gpu-readiness.js';
import { queueName, type RunWhere, type WorkerInfo } from './workers.js';

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

// Per-example outcomes and images: the filters of the examples view.
/**
 * Which images of an evaluation (A) to list: every one, by its outcome in A, or by its agreement with
 * a compared evaluation (B) on the same test images: robust in A only, in B only, in both, in neither.
 */
export const EXAMPLE_FILTERS = ['all', 'clean-wrong', 'broken', 'robust', 'robust-a-only', 'robust-b-only', 'robust-both', 'robust-neither'] as const;
export type ExampleFilter = (typeof EXAMPLE_FILTERS)[number];
/** Most images whose adversarial examples one `examples:images` request regenerates. */
export const MAX_EXAMPLE_IMAGES = 64;
const evaluationId = z.number().int().min(1);

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
    /** Distributed mode: the queue (class of workers) the run goes to; only where a broker is configured (default "default"). */
    queue: queueName.optional(),
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
    /** As runs:start's queue: every run of the sweep goes to it. */
    queue: queueName.optional(),
  }).strict(),
  'runs:cancel': z.object({ id: runId }).strict(),
  /** Distributed mode: the workers known to this coordinator (also `lost` ones seen in the last hour); [] without a broker. */
  'workers:list': z.object({}).strict(),
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
  // --- Attack x defence matrix ---
  /**
   * Rows: runs, or groups (a run's group, else identical configurations except the seed); columns: clean and
   * each attack stored for them at eps (default: each run's own budget), plus the worst case per example.
   */
  'evals:matrix': z.object({
    runIds: z.array(runId).min(1).max(500),
    rows: z.enum(['runs', 'groups']).default('runs'),
    eps: z.union([z.number().min(0).max(1), z.string().max(30)]).optional(),
  }).strict(),
  // --- end attack x defence matrix ---
  // --- studies (shared/study.ts): stored by `ascl study run`; their runs and evaluations found by configuration ---
  'studies:list': z.object({}).strict(),
  /** One study's progress (per planned run) and its report as far as the store holds it. */
  'studies:get': z.object({ name: z.string().min(1).max(100) }).strict(),
  // Per-example outcomes and images (the examples view and the Figure 8 gallery).
  /**
   * The stored per-image outcomes of evaluation `evaluationId` of run `runId`, filtered, one page of them.
   * vsRunId: compare with an evaluation of that run on the same test images (vsEvaluationId, or else its
   * newest evaluation with the same attack, eps, steps and n).
   */
  'examples:list': z.object({
    runId, evaluationId, vsRunId: runId.optional(), vsEvaluationId: evaluationId.optional(),
    filter: z.enum(EXAMPLE_FILTERS).default('all'),
    offset: z.number().int().min(0).default(0),
    limit: z.number().int().min(1).max(1000).default(48),
  }).strict(),
  /** The listed test images with their adversarial examples regenerated from the evaluation's protocol on its checkpoint (a worker thread). */
  'examples:images': z.object({ runId, evaluationId, indices: z.array(z.number().int().min(0)).min(1).max(MAX_EXAMPLE_IMAGES) }).strict(),
  /** Training images by index (Figure 8's anchors and selected samples) with the run's training adversary's view, on the checkpoint of `epoch` (else the newest). */
  'selection:images': z.object({ runId, indices: z.array(z.number().int().min(0)).min(1).max(2 * MAX_EXAMPLE_IMAGES), epoch: z.number().int().min(1).optional() }).strict(),
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
  // --- GPU device of the run (shared/run-device.ts) ---
  /** The GPU index and webgpu adapter the run trained on; null before it starts or on cpu/wasm without --gpu; absent from older services. */
  device?: RunDevice | null;
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
  // --- Distributed mode (shared/workers.ts) ---
  /** The queue a run was sent to through the broker; null for a run trained in the process that started it. */
  queue?: string | null;
  /** Where it runs or last ran: `local`, or the worker's id (WorkerInfo.id); null before it starts. */
  where?: RunWhere;
  /** Distributed mode: 1 + the times it was dispatched again (a worker lost, the broker restarted). */
  attempt?: number;
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
  'app:info': {
    version: string; backend: string | null; workers: number; dbPath: string;
    // --- GPU readiness (shared/gpu-readiness.ts) ---
    /** Per GPU path what is there and what is missing (as `ascl doctor`); absent where it could not be computed. */
    gpus?: GpuPathReport[];
    // --- Distributed mode (shared/workers.ts) ---
    /** The broker this service dispatches runs through (its password redacted) and the queues known to it; null: runs train here. */
    broker?: { url: string; queues: string[] } | null;
  };
  /** nullable: the field accepts null (an empty form field), meaning "the documented default" (e.g. eps: the dataset's). */
  'config:describe': { fields: Array<{ key: keyof RunConfig; type: 'number' | 'integer' | 'boolean' | 'enum' | 'string' | 'array'; default: unknown; options?: string[]; description?: string; nullable?: boolean }> };
  'presets:list': Array<{ name: string; description: string; config: RunConfigInput }>;
  'runs:list': RunSummary[];
  /** config is null when the stored configuration cannot be read (the summary's error names the damage). */
  'runs:get': RunSummary & { config: RunConfig | null };
  'runs:start': { id: string };
  'runs:sweep': { ids: string[] };
  'runs:cancel': { ok: true };
  'workers:list': WorkerInfo[];
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
  // --- Attack x defence matrix ---
  'evals:matrix': AttackMatrix;
  // --- end attack x defence matrix ---
  // --- studies ---
  /** damage: the stored definition cannot be read (progress is then null). */
  'studies:list': Array<{ name: string; description: string; updatedAt: string; progress: StudyProgress | null; damage: string | null }>;
  'studies:get': { status: StudyStatus; report: StudyReport };
  // Per-example outcomes and images.
  /**
   * n: images listed (with a compared evaluation: the images both evaluated); total: those matching the
   * filter; counts: per filter (the agreement filters only with vs); notes: what the comparison assumes.
   */
  'examples:list': {
    n: number; total: number; counts: Partial<Record<ExampleFilter, number>>; items: ExampleRow[];
    vs: { runId: string; evaluationId: number } | null; notes: string[];
  };
  /**
   * eps: the budget (the perturbation image is 0.5 + delta / (2 eps)); stored: each image's stored
   * outcome, and whether the regenerated one equals it; batchSize: the attack batch replayed
   * (batchSizeStored false: the evaluation did not record it and the run's batch size was assumed).
   */
  'examples:images': {
    eps: number; classNames: string[]; checkpointEpoch: number; batchSize: number; batchSizeStored: boolean;
    images: Array<ExampleImage & { stored: ExampleOutcome; matchesStored: boolean }>;
  };
  /** adversary: the run's training adversary that made the views, at eps on the checkpoint of checkpointEpoch. */
  'selection:images': { eps: number; adversary: string; classNames: string[]; checkpointEpoch: number; images: ExampleImage[] };
  // Training health and first steps.
  'runs:estimate': RunEstimate;
}

// --- Attack x defence matrix (evals:matrix) ---
/** The matrix's columns in order: clean accuracy, then the attacks (AutoAttack last); the worst case is a row field. */
export const MATRIX_COLUMNS = ['clean', 'fgsm', 'pgd', 'mpgd', 'apgd-ce', 'apgd-t', 'fab-t', 'square', 'aa'] as const;
export type MatrixColumn = (typeof MATRIX_COLUMNS)[number];

/** One figure of a row: one run's evaluation, or the mean and sample std over a group's runs. */
export interface MatrixCell {
  mean: number;
  std: number;
  /** Runs whose figure this is. */
  runs: number;
  /** Standard error: sqrt(p (1 - p) / n) for one run, sqrt(sum se_i^2) / k for the mean of k runs. */
  se: number;
  /** The evaluation's budget, images, iterations, norm and image subset; null where the group's runs differ. */
  eps: number | null;
  n: number | null;
  steps: number | null;
  norm: string;
  /** "<dataset> first n of <test split size>"; null where the group's runs differ. */
  subset: string | null;
  evalIds: number[];
  /** Why the cell is not like-for-like with the rest of its row or column (empty when it is). */
  marks: string[];
}

/** The fraction of images robust to every attack counted, per image (not the minimum of the columns). */
export interface MatrixWorstCase {
  mean: number;
  std: number;
  runs: number;
  /** Images counted per run (the common first images of the evaluations counted); the smallest over a group. */
  images: number;
  /** The columns whose per-image outcomes were intersected. */
  attacks: MatrixColumn[];
  marks: string[];
}

export interface MatrixRow {
  label: string;
  runIds: string[];
  /** The budget the row's attack columns were chosen at (null where a group's runs differ). */
  eps: number | null;
  cells: Partial<Record<MatrixColumn, MatrixCell>>;
  worstCase: MatrixWorstCase | null;
}

export interface AttackMatrix {
  /** The columns some row has a figure for, in MATRIX_COLUMNS order, with their labels (PGD-k names k where every row has the same). */
  columns: Array<{ key: MatrixColumn; label: string }>;
  rows: MatrixRow[];
}
// --- end attack x defence matrix ---

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
