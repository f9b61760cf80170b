/**
 * Worker thread for evaluations and analyses of a trained model: loads the model (a stored run's
 * verified checkpoint, or an external LayersModel) and the test split, then runs
 * evaluateRobustness (an attack) or the latent-space analyses (R-DIV over epochs and eps, t-SNE).
 * Results cross back as plain numbers.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from '../engine/backend/index.js';
import { loadDataset } from '../engine/data/index.js';
import { evaluateRobustness, inferenceLogits } from '../engine/evaluate/evaluate.js';
import { evaluateEpsGrid, smallestBreakingIndex } from '../engine/evaluate/eps-grid.js';
import type { LogitsFn } from '../engine/models/model.js';
import { modelFromCheckpoint } from './checkpoint-model.js';
import { examplesImages } from './examples-images.js';
import { latentDivergence, rdivSweep } from '../engine/analysis/rdiv.js';
import { latentTsne } from '../engine/analysis/tsne.js';
import type { AnalyzeJob, EvalJob, ExamplesJob, FromWorker } from './protocol.js';
import type { AnalysisOutcome } from '../shared/rows.js';
import { loadExternalModel } from '../engine/models/external.js';

const port = parentPort;
if (!port) throw new Error('eval-worker: must run in a worker thread');
const { job } = workerData as { job: EvalJob | AnalyzeJob | ExamplesJob };
const post = (m: FromWorker): void => port.postMessage(m);

async function evaluate(j: EvalJob): Promise<void> {
  const config = j.source.kind === 'checkpoint' ? j.source.config : null;
  const data = await loadDataset(j.dataset, { dataDir: j.dataDir, seed: config?.seed ?? j.seed });
  let logits: LogitsFn;
  let dispose: () => void;
  if (j.source.kind === 'checkpoint') {
    const model = modelFromCheckpoint(j.source.file, j.source.sha256, j.source.config, data);
    logits = inferenceLogits(model);
    dispose = () => model.dispose();
  } else {
    const ext = await loadExternalModel(j.source.path, { inputShape: [data.height, data.width, data.channels], numClasses: data.numClasses });
    logits = ext.logits;
    dispose = () => ext.dispose();
  }
  try {
    // An explicit n larger than the test split means "all of it" (as before); null is the attack's default.
    const n = j.n === null ? undefined : Math.min(j.n, data.test.count);
    let last = 0;
    const common = {
      logits, images: data.test.images, labels: data.test.labels, attack: j.attack, dataset: j.dataset,
      stepSize: j.stepSize ?? undefined, steps: j.steps ?? undefined, n, batchSize: j.batchSize, seed: j.seed,
      numClasses: data.numClasses, shape: [data.height, data.width, data.channels] as [number, number, number],
      onProgress: (done: number, total: number, etaSeconds: number) => {
        if (Date.now() - last < 200 && done < total) return;
        last = Date.now();
        post({ kind: 'eval-progress', done, total, etaSeconds });
      },
    };
    if (j.epsGrid) {
      const g = await evaluateEpsGrid({ ...common, epsGrid: j.epsGrid });
      const grid = j.epsGrid;
      const breakingEps = Float64Array.from(smallestBreakingIndex(g.points.map((r) => r.perSample)), (k) => (k === null ? Number.NaN : grid[k]));
      const labels = Int32Array.from(data.test.labels.subarray(0, g.cleanCorrect.length));
      post({ kind: 'eval-grid-result', result: g.points.map((r) => ({ attack: r.attack, eps: r.eps, steps: r.steps, stepSize: r.stepSize, n: r.n,
        cleanAccuracy: r.cleanAccuracy, robustAccuracy: r.robustAccuracy, seconds: r.seconds, outcomes: r.perSample, cleanCorrect: g.cleanCorrect, labels, breakingEps,
        ...(r.iterations && r.breakingIteration ? { iterations: r.iterations, breakingIteration: r.breakingIteration } : {}),
        cleanPred: r.cleanPred, advPred: r.advPred, batchSize: j.batchSize,
        protocol: { ...r.protocol, grid: { id: '', eps: [...j.epsGrid!], index: g.points.indexOf(r), rule: g.cumulative ? 'cumulative' : 'independent' } } })) });
      return;
    }
    const r = await evaluateRobustness({ ...common, eps: j.eps });
    post({ kind: 'eval-result', result: { attack: r.attack, eps: r.eps, steps: r.steps, stepSize: r.stepSize, n: r.n,
      cleanAccuracy: r.cleanAccuracy, robustAccuracy: r.robustAccuracy, seconds: r.seconds, protocol: r.protocol, outcomes: r.perSample,
      cleanCorrect: r.cleanCorrect, labels: Int32Array.from(data.test.labels.subarray(0, r.n)), cleanPred: r.cleanPred, advPred: r.advPred, batchSize: j.batchSize,
      ...(r.iterations && r.breakingIteration ? { iterations: r.iterations, breakingIteration: r.breakingIteration } : {}) } });
  } finally {
    dispose();
  }
}

async function analyze(j: AnalyzeJob): Promise<void> {
  const data = await loadDataset(j.config.dataset, { dataDir: j.config.dataDir, seed: j.config.seed });
  const n = Math.min(j.n, data.test.count);
  // The evaluation PGD resolved by the service (the dataset's: k = 250, step 2/255 on CIFAR-10), not the training PGD.
  const opts = { stepSize: j.stepSize, steps: j.steps, seed: j.seed, n };
  // eps 0 (no attack) is the limit of a vanishing budget: the adversarial latents equal the benign ones.
  const epsSweep = j.epsSweep.map((e) => (e === 0 ? 1e-9 : e));
  const out: AnalysisOutcome = { rdivEpochs: [], rdivEps: [], tsne: null };
  const total = (j.overEpochs ? j.checkpoints.length : 0) + j.epsSweep.length + (j.tsne ? 1 : 0);
  let done = 0;
  const tick = (): void => post({ kind: 'eval-progress', done: ++done, total, etaSeconds: null });
  if (j.overEpochs) {
    for (const c of j.checkpoints) {
      const model = modelFromCheckpoint(c.file, c.sha256, j.config, data);
      try {
        const p = await latentDivergence(model, data.test.images, data.test.labels, { ...opts, eps: j.eps });
        out.rdivEpochs.push({ epoch: c.epoch, dPlus: p.dPlus, dMinus: p.dMinus, rdiv: p.rdiv });
      } finally { model.dispose(); }
      tick();
    }
  }
  const last = j.checkpoints[j.checkpoints.length - 1];
  if (last && (epsSweep.length > 0 || j.tsne)) {
    const model = modelFromCheckpoint(last.file, last.sha256, j.config, data);
    try {
      if (epsSweep.length > 0) {
        const pts = await rdivSweep(model, data.test.images, data.test.labels, epsSweep, opts, () => tick());
        out.rdivEps = pts.map((p, i) => ({ eps: j.epsSweep[i], dPlus: p.dPlus, dMinus: p.dMinus, rdiv: p.rdiv, robustAccuracy: p.robustAccuracy }));
      }
      if (j.tsne) {
        out.tsne = await latentTsne(model, data.test.images, data.test.labels, {
          benign: j.tsneBenign, adversarial: j.tsneAdversarial, eps: j.eps, stepSize: j.stepSize, steps: j.steps, seed: j.seed });
        tick();
      }
    } finally { model.dispose(); }
  }
  post({ kind: 'analysis-result', result: out });
}

async function main(): Promise<void> {
  const config = job.kind === 'examples' ? job.config : job.kind === 'eval' && job.source.kind === 'checkpoint' ? job.source.config : null;
  const choice = config && config.backend !== 'auto' ? config.backend : job.backend;
  // A checkpoint's run evaluates on the GPU it named (--gpu), as it trained.
  const gpu = config ? config.gpu : null;
  // Cores from the run queue (service/core-share.ts); results do not depend on the count (bitwise, docs/kernels.md).
  await initBackend(choice, { gpu, threads: job.kind === 'examples' ? 1 : job.threads ?? 1 });
  if (job.kind === 'eval') await evaluate(job);
  else if (job.kind === 'examples') post({ kind: 'examples-result', result: await examplesImages(job) });
  else await analyze(job);
}

main().catch((err: unknown) => {
  post({ kind: 'error', message: (err as Error)?.message ?? String(err) });
}).finally(() => port.close());
