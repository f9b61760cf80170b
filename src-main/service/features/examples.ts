/**
 * Per-example outcomes and images: `examples:list` (the stored outcomes and predictions of one
 * evaluation, filtered by outcome or by agreement with an evaluation of another run on the same
 * test images), `examples:images` (those test images with their adversarial examples regenerated
 * on a worker thread from the evaluation's protocol, checkpoint and attack batch) and
 * `selection:images` (training images with the run's training adversary's view, Figure 8).
 * Images are never stored: they are recomputed on demand, one worker job at a time.
 */
import type { ApiHandlers, ApiResponses } from '../../shared/channels.js';
import { ApiError } from '../../api/dispatch.js';
import type { ExampleOutcome, ExampleRow } from '../../shared/rows.js';
import { requireConfig, requireRun, type ServiceContext } from '../context.js';
import { runExamplesJob } from '../eval-job.js';
import type { ExamplesJob } from '../protocol.js';
import { filterCounts, filteredIndices, outcomesOf } from '../example-outcomes.js';
import type { EvaluationExamples } from '../../store/rows.js';

type ExampleHandlers = Pick<ApiHandlers, 'examples:list' | 'examples:images' | 'selection:images'>;

function evaluationOf(ctx: ServiceContext, runId: string, id: number, where: string) {
  const e = ctx.store.evaluationsDetailed(runId).find((x) => x.id === id);
  if (!e) throw new ApiError('not-found', `${where}: run ${runId} has no evaluation ${id}`);
  const x = ctx.store.evaluationExamples(id);
  if (!x?.outcomes) throw new ApiError('conflict', `${where}: evaluation ${id} of run ${runId} has no per-image outcomes stored`);
  return { e, x: x as EvaluationExamples & { outcomes: Uint8Array } };
}

export function exampleHandlers(ctx: ServiceContext): ExampleHandlers {
  const { store, backend } = ctx;
  // One examples job at a time: each loads a dataset and a model on a worker thread.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(f: () => Promise<T>): Promise<T> => {
    const next = queue.then(f, f);
    queue = next.catch(() => {});
    return next;
  };
  const checkpointOf = (runId: string, epoch: number | null, where: string, exact: boolean) => {
    const all = store.checkpoints(runId);
    const c = epoch === null ? all[0] : all.find((k) => k.epoch === epoch) ?? (exact ? undefined : all[0]);
    if (!c) throw new ApiError('conflict', `${where}: run ${runId} has no stored checkpoint${epoch !== null && exact ? ` of epoch ${epoch} (the evaluated one)` : ''}`);
    return { epoch: c.epoch, file: store.resolveFile(c.file), sha256: c.sha256 };
  };

  return {
    async 'examples:list'(req) {
      requireRun(ctx, req.runId);
      const a = evaluationOf(ctx, req.runId, req.evaluationId, 'examples:list');
      const notes: string[] = [];
      let n = a.e.n;
      let b: { runId: string; evaluationId: number; outcomes: ExampleOutcome[] } | null = null;
      if (req.vsEvaluationId !== undefined && req.vsRunId === undefined) throw new ApiError('bad-request', 'examples:list: vsEvaluationId needs vsRunId');
      if (req.vsRunId !== undefined) {
        requireRun(ctx, req.vsRunId);
        const pe = a.e.protocol;
        const candidates = store.evaluationsDetailed(req.vsRunId);
        const vsId = req.vsEvaluationId ?? [...candidates].reverse().find((c) => c.attack === a.e.attack && c.eps === a.e.eps && c.steps === a.e.steps && c.n === a.e.n)?.id;
        if (vsId === undefined) {
          throw new ApiError('not-found', `examples:list: run ${req.vsRunId} has no ${a.e.attack} evaluation at eps ${a.e.eps} with ${a.e.steps ?? 'default'} steps on ${a.e.n} images; ` +
            'evaluate it the same way or pass vsEvaluationId');
        }
        const v = evaluationOf(ctx, req.vsRunId, vsId, 'examples:list');
        const da = pe?.dataset ?? null, db = v.e.protocol?.dataset ?? null;
        if (da !== null && db !== null && da !== db) throw new ApiError('bad-request', `examples:list: evaluation ${a.e.id} is on ${da}, evaluation ${v.e.id} on ${db}: not the same images`);
        n = Math.min(a.e.n, v.e.n);
        if (a.x.labels && v.x.labels) {
          for (let i = 0; i < n; i++) {
            if (a.x.labels[i] !== v.x.labels[i]) throw new ApiError('bad-request', `examples:list: image ${i} has label ${a.x.labels[i]} in evaluation ${a.e.id} and ${v.x.labels[i]} in ${v.e.id}: not the same test images`);
          }
        } else notes.push('labels were not stored for one of the evaluations; the images are assumed to be the same first n of the test split');
        if (a.e.n !== v.e.n) notes.push(`compared on the first ${n} images (A evaluated ${a.e.n}, B ${v.e.n})`);
        if (a.e.attack !== v.e.attack || a.e.eps !== v.e.eps || a.e.steps !== v.e.steps) {
          notes.push(`the attacks differ: A ${a.e.attack} eps ${a.e.eps} (${a.e.steps ?? '-'} steps), B ${v.e.attack} eps ${v.e.eps} (${v.e.steps ?? '-'} steps)`);
        }
        b = { runId: req.vsRunId, evaluationId: v.e.id, outcomes: outcomesOf(v.x.outcomes, v.x.cleanCorrect, n) };
      } else if (['robust-a-only', 'robust-b-only', 'robust-both', 'robust-neither'].includes(req.filter)) {
        throw new ApiError('bad-request', `examples:list: filter ${req.filter} compares two runs; give vsRunId`);
      }
      if (!a.x.cleanCorrect) notes.push('clean correctness was not stored for this evaluation: every non-robust image is listed as broken');
      const outcomes = outcomesOf(a.x.outcomes, a.x.cleanCorrect, n);
      const { total, indices } = filteredIndices(req.filter, outcomes, b?.outcomes ?? null, req.offset, req.limit);
      const items = indices.map((i): ExampleRow => ({
        index: i, label: a.x.labels?.[i] ?? null, cleanPred: a.x.cleanPred?.[i] ?? null, advPred: a.x.advPred?.[i] ?? null,
        outcome: outcomes[i], vsOutcome: b ? b.outcomes[i] : null, breakingEps: a.x.breakingEps?.[i] ?? null,
      }));
      return { n, total, counts: filterCounts(outcomes, b?.outcomes ?? null), items, vs: b ? { runId: b.runId, evaluationId: b.evaluationId } : null, notes };
    },

    async 'examples:images'(req) {
      const r = requireRun(ctx, req.runId);
      const config = requireConfig(r, 'examples:images');
      const { e, x } = evaluationOf(ctx, req.runId, req.evaluationId, 'examples:images');
      if (!e.protocol) throw new ApiError('conflict', `examples:images: evaluation ${e.id} was stored without its protocol; its adversarial examples cannot be regenerated`);
      for (const i of req.indices) if (i >= e.n) throw new ApiError('bad-request', `examples:images: index ${i} is outside the ${e.n} evaluated images`);
      const ckpt = checkpointOf(req.runId, e.checkpointEpoch, 'examples:images', true);
      const batchSize = x.batchSize ?? config.batchSize;
      const job: ExamplesJob = { kind: 'examples', config, checkpoint: { file: ckpt.file, sha256: ckpt.sha256 }, backend,
        target: { kind: 'evaluation', protocol: e.protocol, batchSize, indices: req.indices } };
      const out = await serial(() => runExamplesJob(job).done);
      const stored = outcomesOf(x.outcomes, x.cleanCorrect, e.n);
      const images: ApiResponses['examples:images']['images'] = out.images.map((img) => {
        const s = stored[img.index];
        const regenerated: ExampleOutcome = img.robust ? 'robust' : img.cleanPred !== img.label && x.cleanCorrect ? 'clean-wrong' : 'broken';
        return { ...img, stored: s, matchesStored: regenerated === s };
      });
      return { eps: out.eps, classNames: out.classNames, checkpointEpoch: ckpt.epoch, batchSize, batchSizeStored: x.batchSize !== null, images };
    },

    async 'selection:images'(req) {
      const r = requireRun(ctx, req.runId);
      const config = requireConfig(r, 'selection:images');
      // The run trained on the first `limit` training images: its anchors and selected samples are among them.
      const outside = config.limit === null ? undefined : req.indices.find((i) => i >= config.limit!);
      if (outside !== undefined) throw new ApiError('bad-request', `selection:images: index ${outside} is not one of run ${r.id}'s ${config.limit} training images`);
      const ckpt = checkpointOf(req.runId, req.epoch ?? null, 'selection:images', false);
      const job: ExamplesJob = { kind: 'examples', config, checkpoint: { file: ckpt.file, sha256: ckpt.sha256 }, backend, target: { kind: 'training', indices: req.indices } };
      const out = await serial(() => runExamplesJob(job).done);
      return { eps: out.eps, adversary: config.adversary, classNames: out.classNames, checkpointEpoch: ckpt.epoch, images: out.images };
    },
  };
}
