/**
 * An in-memory ApiService with plausible, deterministic data (seeded curves shaped like the
 * paper's: accuracies rising, R-DIV falling, leaked selection ahead), and runs that "train" on a
 * timer. It lets the UI tests check rendering and interaction without the engine, and makes
 * screenshots with many runs; the end-to-end test with real training uses the real service.
 */
import { parseRunConfig, type RunConfig } from '../../src-main/shared/run-config.js';
import { EventEmitter } from 'node:events';
import { ApiError } from '../../src-main/api/dispatch.js';
import { MATRIX_COLUMNS, type ApiEvent, type ApiEvents, type ApiResponses, type ApiService, type RunSummary } from '../../src-main/shared/channels.js';
import type { EpochRow, EvalRow } from '../../src-main/shared/rows.js';
import { Rng } from '../../src-main/engine/rng.js';
import { standardError } from '../../src-main/shared/evaluation.js';
import { demoStudyHandlers } from './demo-studies.js';
import { amplifiedPerturbation, pngDataUrl } from '../../src-main/service/png.js';
import type { WorkerInfo } from '../../src-main/shared/workers.js';

const SELECTIONS = ['global', 'hard', 'soft', 'leaked'];
const FIELDS: ApiResponses['config:describe']['fields'] = [
  { key: 'dataset', type: 'enum', default: 'cifar10', options: ['synthetic', 'mnist', 'cifar10', 'cifar100'] },
  { key: 'dataDir', type: 'string', default: null, description: 'Folder holding the dataset files' },
  { key: 'limit', type: 'integer', default: null }, { key: 'model', type: 'enum', default: 'cnn', options: ['small-cnn', 'cnn', 'resnet20', 'resnet50'] },
  { key: 'defense', type: 'enum', default: 'adv', options: ['nat', 'adv', 'trades', 'adr', 'scl', 'ascl'] },
  { key: 'selection', type: 'enum', default: 'global', options: SELECTIONS }, { key: 'tau', type: 'number', default: 0.07 },
  { key: 'lambdaScl', type: 'number', default: 1 }, { key: 'lambdaVat', type: 'number', default: 2 }, { key: 'eps', type: 'number', default: null },
  { key: 'epochs', type: 'integer', default: 200 }, { key: 'batchSize', type: 'integer', default: 128 }, { key: 'learningRate', type: 'number', default: 0.001 },
  { key: 'lrMilestones', type: 'array', default: [80, 120, 160] }, { key: 'augmentFlip', type: 'boolean', default: true }, { key: 'seed', type: 'integer', default: 0 },
];

interface DemoRun { s: RunSummary; config: RunConfig; epochs: EpochRow[]; steps: Array<{ step: number; time: number; v: Record<string, number> }>; evals: EvalRow[]; quality: number }

/** distributed: a broker the demo pretends to dispatch through and the workers it lists (default: none, runs "train" here). */
export interface DemoOptions { runs?: number; stepMs?: number; stepsPerEpoch?: number; distributed?: { broker: { url: string; queues: string[] }; workers: WorkerInfo[] } }

export function createDemoService(options: DemoOptions = {}): ApiService & { close(): void } {
  const bus = new EventEmitter();
  const runs = new Map<string, DemoRun>();
  const stepsPerEpoch = options.stepsPerEpoch ?? 40;
  const emit = <E extends ApiEvent>(e: E, p: ApiEvents[E]): void => { bus.emit(e, p); };
  let counter = 0;
  const t0 = Date.parse('2026-11-20T09:00:00Z');

  function create(config: Record<string, unknown>, name?: string, group?: string): DemoRun {
    counter++;
    const selection = String(config.selection ?? 'global');
    const seed = Number(config.seed ?? 0);
    const id = `run-${String(counter).padStart(3, '0')}`;
    const defense = String(config.defense ?? 'ascl');
    const quality = (defense === 'ascl' ? 0.04 : 0) + SELECTIONS.indexOf(selection) * 0.008 + seed * 0.002;
    const s: RunSummary = {
      id, name: name ?? `${defense}-${selection}-s${seed}`, group: group ?? `${defense.toUpperCase()} ${selection}`, status: 'queued', defense, selection,
      dataset: String(config.dataset ?? 'cifar10'), model: String(config.model ?? 'cnn'), seed, backend: 'wasm', epochsDone: 0, epochsTotal: Number(config.epochs ?? 30),
      createdAt: new Date(t0 + counter * 60_000).toISOString(), updatedAt: new Date(t0 + counter * 60_000).toISOString(), error: null, progress: 0, etaSeconds: null,
    };
    const r: DemoRun = { s, config: parseRunConfig({ dataset: s.dataset, model: s.model, defense, selection, seed, epochs: s.epochsTotal, tau: 0.07, ...config }), epochs: [], steps: [], evals: [], quality };
    runs.set(id, r);
    return r;
  }

  /** One training step of the simulated curves. */
  function step(r: DemoRun, rng: Rng): void {
    const k = r.steps.length;
    const epoch = Math.floor(k / stepsPerEpoch) + 1;
    const p = k / (stepsPerEpoch * r.s.epochsTotal);
    const noise = (a: number): number => (rng.next() - 0.5) * a;
    const v = {
      loss: 2.3 * Math.exp(-3 * p) + 0.6 + noise(0.25), ce_nat: 1.2 * Math.exp(-3 * p) + 0.2 + noise(0.1), ce_adv: 1.6 * Math.exp(-2.5 * p) + 0.5 + noise(0.12),
      scl: 4.2 * Math.exp(-2 * p) + 1.1 + noise(0.2), vat: 0.3 + 0.2 * p + noise(0.05),
      pos_benign: 12 - 4 * p + noise(1), pos_adv: 10 - 3 * p + noise(1), neg_benign: 100 + noise(3), neg_adv: 96 + noise(3),
      rdiv: 0.9 - 0.35 * p - r.quality + noise(0.02), d_plus: 0.8 - 0.3 * p + noise(0.02), d_minus: 1.0 + 0.1 * p + noise(0.02),
    };
    r.steps.push({ step: k, time: t0 + k * 700, v });
    if ((k + 1) % stepsPerEpoch === 0) {
      const last = r.steps.slice(-stepsPerEpoch);
      const terms = Object.fromEntries(Object.keys(v).map((key) => [key, last.reduce((a, s) => a + s.v[key], 0) / last.length]));
      const row: EpochRow = {
        epoch, natAccuracy: 0.45 + 0.35 * (1 - Math.exp(-4 * p)) + r.quality + noise(0.01), pgdAccuracy: 0.2 + 0.25 * (1 - Math.exp(-4 * p)) + r.quality + noise(0.01),
        trainAccuracy: 0.5 + 0.4 * (1 - Math.exp(-4 * p)) + noise(0.01), learningRate: 1e-3, seconds: 28 + noise(2), terms,
      };
      r.epochs.push(row);
      r.s.epochsDone = epoch;
      emit('run:epoch', { id: r.s.id, row });
    }
  }

  const finish = (r: DemoRun): void => {
    r.s.status = 'completed'; r.s.progress = 1; r.s.etaSeconds = null;
    for (const [attack, f] of [['pgd', 1], ['mpgd', 0.97], ['aa', 0.93]] as const) {
      const clean = r.epochs.at(-1)!.natAccuracy;
      const robust = r.epochs.at(-1)!.pgdAccuracy * f;
      const n = attack === 'aa' ? 1000 : 10_000;
      const steps = attack === 'aa' ? 100 : 250;
      const stepSize = attack === 'aa' ? null : 2 / 255;
      r.evals.push({ id: r.evals.length + 1, runId: r.s.id, attack, eps: 8 / 255, steps, stepSize, n, testSetSize: 10_000, cleanAccuracy: clean,
        robustAccuracy: robust, cleanStdErr: standardError(clean, n), robustStdErr: standardError(robust, n), seconds: 40, createdAt: r.s.updatedAt,
        iterations: null, flags: [],
        protocol: { attack, dataset: 'cifar10', eps: 8 / 255, stepSize, steps, restarts: 1, n, testSetSize: 10_000, subset: 'first-n', seed: 0,
          parts: attack === 'aa' ? ['apgd-ce', 'apgd-t', 'fab-t', 'square'] : null } });
    }
  };
  // Pre-trained history: the four selections x seeds under ASCL, plus baselines.
  for (let i = 0; i < (options.runs ?? 10); i++) {
    const r = create({ selection: SELECTIONS[i % 4], seed: Math.floor(i / 4) % 3, defense: i >= 8 ? 'adv' : 'ascl', epochs: 30 });
    const rng = new Rng(i + 1);
    while (r.s.epochsDone < r.s.epochsTotal) step(r, rng);
    finish(r);
  }
  // Simulated training: every queued or running run advances one step per tick (as on many workers).
  const liveRng = new Rng(99);
  const tick = (r: DemoRun): void => {
    if (r.s.status === 'queued') { r.s.status = 'running'; emit('run:status', { id: r.s.id, status: 'running', error: null }); }
    step(r, liveRng);
    const k = r.steps.length;
    r.s.progress = (k % stepsPerEpoch) / stepsPerEpoch;
    r.s.etaSeconds = (r.s.epochsTotal * stepsPerEpoch - k) * (options.stepMs ?? 50) / 1000;
    emit('run:progress', { id: r.s.id, epoch: r.s.epochsDone + 1, step: k, stepInEpoch: k % stepsPerEpoch, stepsPerEpoch, loss: r.steps.at(-1)!.v.loss, samplesPerSecond: 420, etaSeconds: r.s.etaSeconds });
    if (r.s.epochsDone >= r.s.epochsTotal) { finish(r); emit('run:status', { id: r.s.id, status: 'completed', error: null }); }
  };
  const timer = setInterval(() => {
    for (const r of runs.values()) if (r.s.status === 'queued' || r.s.status === 'running') tick(r);
  }, options.stepMs ?? 50);

  const get = (id: string): DemoRun => {
    const r = runs.get(id);
    if (!r) throw new ApiError('not-found', `demo: no run ${JSON.stringify(id)}`);
    return r;
  };
  const summaryValue = (r: DemoRun, attack: string): number | null => r.evals.find((e) => e.attack === attack)?.robustAccuracy ?? null;

  return {
    close: () => clearInterval(timer),
    on(event, listener) { bus.on(event, listener as (p: unknown) => void); return () => { bus.off(event, listener as (p: unknown) => void); }; },
    'app:info': async () => ({ version: 'demo', backend: 'wasm', workers: 2, dbPath: ':memory:', broker: options.distributed?.broker ?? null }),
    'config:describe': async () => ({ fields: FIELDS }),
    'presets:list': async () => [{ name: 'table3-ascl-leaked', description: 'Table 3: ASCL with Leaked-LS on CIFAR-10', config: { defense: 'ascl', selection: 'leaked' } }],
    'runs:list': async () => [...runs.values()].map((r) => ({ ...r.s })),
    'runs:get': async (req) => ({ ...get(req.id).s, config: get(req.id).config }),
    'runs:start': async (req) => ({ id: create({ ...req.config }, req.name, req.group).s.id }),
    'runs:sweep': async (req) => {
      const combos = Object.entries(req.axes).reduce<Array<Record<string, unknown>>>((acc, [k, vs]) => acc.flatMap((c) => vs.map((v) => ({ ...c, [k]: v }))), [{}]);
      return { ids: combos.map((c) => create({ ...req.config, ...c }).s.id) };
    },
    'runs:cancel': async (req) => { const r = get(req.id); r.s.status = 'cancelled'; emit('run:status', { id: req.id, status: 'cancelled', error: null }); return { ok: true }; },
    'workers:list': async () => options.distributed?.workers ?? [],
    'runs:resume': async (req) => { const r = get(req.id); r.s.status = 'queued'; return { ok: true }; },
    'runs:delete': async (req) => { get(req.id); runs.delete(req.id); return { ok: true }; },
    'metrics:epochs': async (req) => get(req.runId).epochs,
    'metrics:terms': async (req) => [...new Set(get(req.runId).steps.flatMap((s) => Object.keys(s.v)))].sort(),
    'metrics:steps': async (req) => ({ term: req.term, points: get(req.runId).steps.filter((s) => req.term in s.v).map((s) => ({ step: s.step, min: s.v[req.term], max: s.v[req.term], mean: s.v[req.term], time: s.time })) }),
    'evals:list': async (req) => get(req.runId).evals,
    'evals:start': async () => { throw new ApiError('conflict', 'demo: evaluations are not simulated'); },
    'analysis:start': async () => { throw new ApiError('conflict', 'demo: analyses are not simulated'); },
    'analysis:rdiv': async (req) => {
      const r = get(req.runId);
      return {
        epochs: r.epochs.map((e) => ({ epoch: e.epoch, dPlus: e.terms.d_plus, dMinus: e.terms.d_minus, rdiv: e.terms.rdiv })),
        eps: [0, 2, 4, 6, 8, 10, 12, 16].map((k) => ({ eps: k / 255, dPlus: 0.5 + k * 0.02, dMinus: 1, rdiv: 0.45 + k * 0.025 - r.quality, robustAccuracy: Math.max(0, 0.8 - k * 0.045 + r.quality) })),
      };
    },
    'analysis:tsne': async (req) => {
      const r = get(req.runId); const rng = new Rng(7);
      const points = Array.from({ length: 600 }, (_, i) => {
        const label = i % 10; const adversarial = i % 3 === 0; const a = (label / 10) * 2 * Math.PI; const spread = adversarial ? 9 : 5 - r.quality * 20;
        return { x: 30 * Math.cos(a) + (rng.next() - 0.5) * spread * 2, y: 30 * Math.sin(a) + (rng.next() - 0.5) * spread * 2, label, adversarial, entropy: (adversarial ? 1.1 : 0.4) + rng.next() * 0.5 };
      });
      return { points };
    },
    'selection:snapshots': async (req) => {
      const r = get(req.runId); const rng = new Rng(3);
      return [1, 15, 30].flatMap((epoch) => [12, 407].map((anchorIndex) => ({ epoch, anchorIndex, anchorLabel: anchorIndex % 10,
        positives: Array.from({ length: 8 }, () => ({ index: Math.floor(rng.next() * 5000), adversarial: rng.next() < 0.5 })),
        negatives: Array.from({ length: 10 }, () => ({ index: Math.floor(rng.next() * 5000), adversarial: rng.next() < 0.5 })) })))
        .filter(() => r.epochs.length > 0);
    },
    'compare:table': async (req) => {
      const sel = req.runIds.map(get);
      const groups = new Map<string, DemoRun[]>();
      for (const r of sel) groups.set(r.s.group ?? r.s.id, [...(groups.get(r.s.group ?? r.s.id) ?? []), r]);
      const ms = (vals: Array<number | null>): { mean: number; std: number } | null => {
        const v = vals.filter((x): x is number => x !== null); if (!v.length) return null;
        const m = v.reduce((a, b) => a + b, 0) / v.length; return { mean: m, std: v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1)) : 0 };
      };
      const keys = [...new Set(sel.flatMap((r) => Object.keys(r.config)))];
      const diff = Object.fromEntries(keys.filter((k) => new Set(sel.map((r) => JSON.stringify(r.config[k as keyof RunConfig]))).size > 1).map((k) => [k, Object.fromEntries(sel.map((r) => [r.s.id, r.config[k as keyof RunConfig]]))]));
      return {
        columns: ['nat', 'pgd', 'mpgd', 'aa'], configDiff: diff,
        rows: [...groups.entries()].map(([group, rs]) => ({ group, runIds: rs.map((r) => r.s.id), n: rs.length, metrics: {
          nat: ms(rs.map((r) => r.epochs.at(-1)?.natAccuracy ?? null)), pgd: ms(rs.map((r) => summaryValue(r, 'pgd'))), mpgd: ms(rs.map((r) => summaryValue(r, 'mpgd'))), aa: ms(rs.map((r) => summaryValue(r, 'aa'))),
        } })),
      };
    },
    // Demo evaluations hold no per-image outcomes: the matrix shows their columns and no worst case.
    'evals:matrix': async (req) => {
      const rows = req.runIds.map(get).map((r) => ({ label: r.s.name, runIds: [r.s.id], eps: 8 / 255, worstCase: null,
        cells: Object.fromEntries(r.evals.filter((e) => (MATRIX_COLUMNS as readonly string[]).includes(e.attack)).map((e) => [e.attack, {
          mean: e.robustAccuracy, std: 0, runs: 1, se: e.robustStdErr, eps: e.eps, n: e.n, steps: e.steps, norm: 'Linf', subset: `first ${e.n}`, evalIds: [e.id], marks: [] }])) }));
      return { columns: MATRIX_COLUMNS.filter((c) => rows.some((r) => c in r.cells)).map((key) => ({ key, label: key })), rows };
    },
    'export:csv': async (req) => ({ filename: `${req.what}.csv`, csv: `run,epoch,nat_accuracy\r\n${req.runIds.flatMap((id) => get(id).epochs.map((e) => `${id},${e.epoch},${e.natAccuracy}`)).join('\r\n')}\r\n`, problems: [] }),
    ...demoStudyHandlers(),
    'examples:list': async () => { throw new ApiError('conflict', 'demo: per-example outcomes are not simulated'); },
    'examples:images': async () => { throw new ApiError('conflict', 'demo: images are not simulated'); },
    // Figure 8's gallery: a seeded 32x32 grating per training index and a view moved by at most 8/255.
    'selection:images': async (req) => {
      get(req.runId);
      const eps = 8 / 255;
      const images = req.indices.map((index) => {
        const rng = new Rng(index + 1);
        const label = index % 10;
        const clean = Float32Array.from({ length: 32 * 32 * 3 }, (_, k) => {
          const px = Math.floor(k / 3), x = px % 32, y = Math.floor(px / 32);
          return 0.5 + 0.4 * Math.sin((x * Math.cos(label) + y * Math.sin(label)) / 2 + (k % 3)) * (0.8 + 0.2 * rng.next());
        });
        const adversarial = clean.map((v) => Math.min(1, Math.max(0, v + (rng.next() < 0.5 ? -eps : eps))));
        const advPred = rng.next() < 0.3 ? (label + 1) % 10 : label;
        return { index, label, cleanPred: label, advPred, robust: advPred === label, linf: eps,
          clean: pngDataUrl(clean, 32, 32, 3), adversarial: pngDataUrl(adversarial, 32, 32, 3), perturbation: pngDataUrl(amplifiedPerturbation(clean, adversarial, eps), 32, 32, 3) };
      });
      return { eps, adversary: 'pgd', classNames: Array.from({ length: 10 }, (_, i) => `class${i}`), checkpointEpoch: req.epoch ?? 30, images };
    },
    // The demo's own time: its simulated steps (stepMs each), as a calibration would time them.
    'runs:estimate': async (req) => {
      const epochs = typeof req.config.epochs === 'number' ? req.config.epochs : 200;
      const secondsPerEpoch = stepsPerEpoch * (options.stepMs ?? 50) / 1000;
      return { secondsPerEpoch, totalSeconds: secondsPerEpoch * epochs, source: 'calibration', basis: `demo service: ${stepsPerEpoch} simulated steps of ${options.stepMs ?? 50} ms`, uncertainty: 0.25, backend: 'cpu', epochs };
    },
  };
}
