/**
 * `ascl study run`: makes what the store lacks of a study and skips what it has. Runs are created
 * through `runs:start` and continued through `runs:resume` (the same service functions as the API),
 * matched by canonical configuration; evaluations are made at the summary epoch's checkpoint, one
 * at a time beside the training workers, and stored with the run. Interrupted anywhere (even
 * SIGKILL), a second call finds the runs by configuration (a run left running by a dead process is
 * `interrupted` and resumed) and the evaluations by protocol, so nothing is made twice.
 */
import { dispatch } from '../../api/dispatch.js';
import type { BackendChoice } from '../../shared/options.js';
import type { Study } from '../../shared/study.js';
import type { AppService } from '../app-service.js';
import type { EvalJob } from '../protocol.js';
import { matchPlan, summaryEpoch, type MatchedRun } from './match.js';
import { planStudy } from './plan.js';

export type StudyEvent =
  | { event: 'plan'; study: string; runs: number; evaluations: number; runsDone: number; evaluationsDone: number }
  | { event: 'run'; action: 'start' | 'resume' | 'skip' | 'wait'; runId: string; group: string; seed: number; status: string }
  | { event: 'run-end'; runId: string; group: string; seed: number; status: string }
  | { event: 'eval'; action: 'start' | 'done'; runId: string; attack: string; n: number | null; robustAccuracy?: number; seconds?: number }
  | { event: 'analysis'; action: 'start' | 'done'; runId: string }
  | { event: 'end'; study: string; ok: boolean; failed: string[] };

export interface StudyRunOptions {
  backend: BackendChoice;
  onEvent?: (e: StudyEvent) => void;
  /** Once true (Ctrl-C), no further evaluation or analysis starts; what is stored stays, the rest is made by the next call. */
  shouldStop?: () => boolean;
}

/** Runs the study to its end (or until a run fails); answers whether everything planned is stored. */
export async function runStudy(service: AppService, study: Study, o: StudyRunOptions): Promise<{ ok: boolean; failed: string[] }> {
  const emit = o.onEvent ?? (() => {});
  const { store } = service;
  const plan = planStudy(study);
  store.saveStudy(study);
  const rdivEps = study.evaluation.rdivEps?.eps ?? null;
  const first = matchPlan(store, plan, study.report.summary, rdivEps);
  emit({ event: 'plan', study: study.name, runs: plan.length, evaluations: plan.reduce((a, p) => a + p.evals.length, 0),
    runsDone: first.filter((m) => m.run?.status === 'completed').length, evaluationsDone: first.reduce((a, m) => a + m.evals.filter((e) => e).length, 0) });
  const failed: string[] = [];
  // Evaluations one at a time (the training workers keep the other cores).
  let evalChain: Promise<void> = Promise.resolve();
  const finishing: Array<Promise<void>> = [];
  for (const m of first) {
    const label = { group: m.plan.group, seed: m.plan.seed };
    let runId: string;
    if (!m.run) {
      const r = (await dispatch(service, 'runs:start', { name: `${study.name} ${m.plan.group} s${m.plan.seed}`, group: `${study.name}/${m.plan.group}`, config: m.plan.config })) as { id: string };
      runId = r.id;
      emit({ event: 'run', action: 'start', runId, ...label, status: 'queued' });
    } else if (m.run.status === 'completed') {
      runId = m.run.id;
      emit({ event: 'run', action: 'skip', runId, ...label, status: 'completed' });
    } else if (m.run.status === 'interrupted' || m.run.status === 'cancelled' || m.run.status === 'failed') {
      await dispatch(service, 'runs:resume', { id: m.run.id });
      runId = m.run.id;
      emit({ event: 'run', action: 'resume', runId, ...label, status: m.run.status });
    } else {
      // Queued or running in another live process: wait for it there.
      runId = m.run.id;
      emit({ event: 'run', action: 'wait', runId, ...label, status: m.run.status });
    }
    finishing.push((async () => {
      const status = await waitForEnd(service, runId);
      emit({ event: 'run-end', runId, ...label, status });
      if (status !== 'completed') { failed.push(`${m.plan.group} seed ${m.plan.seed}: run ${runId} ${status}`); return; }
      const next = evalChain.then(() => (o.shouldStop?.() ? undefined : evaluateRun(service, study, runId, m, o, emit).catch((err: unknown) => {
        failed.push(`${m.plan.group} seed ${m.plan.seed}: run ${runId}: ${(err as Error).message}`);
      })));
      evalChain = next;
      await next;
    })());
  }
  await Promise.all(finishing);
  await evalChain;
  const ok = failed.length === 0;
  emit({ event: 'end', study: study.name, ok, failed });
  return { ok, failed };
}

/** Our runs are awaited through the service's events; a run of another live process is polled (its events do not reach this one). */
async function waitForEnd(service: AppService, runId: string): Promise<string> {
  for (;;) {
    const r = service.store.getRun(runId);
    if (!r) return 'deleted';
    if (r.status !== 'queued' && r.status !== 'running') return r.status;
    if (r.ownerPid === process.pid) return service.waitForRun(runId);
    await new Promise((res) => setTimeout(res, 5000));
    // Marks it interrupted should its process have died meanwhile.
    await dispatch(service, 'runs:list', { limit: 1 });
  }
}

async function evaluateRun(service: AppService, study: Study, runId: string, before: MatchedRun, o: StudyRunOptions, emit: (e: StudyEvent) => void): Promise<void> {
  const { store } = service;
  const run = store.requireRun(runId);
  const epoch = summaryEpoch(store.epochs(runId), study.report.summary);
  if (epoch === null) throw new Error(`study ${study.name}: run ${runId} has no epoch for the summary ${JSON.stringify(study.report.summary)}`);
  const ckpt = store.checkpoints(runId).find((c) => c.epoch === epoch);
  // Matched again: the evaluations stored while this run trained (or by another process) count.
  const now = matchPlan(store, [before.plan], study.report.summary, study.evaluation.rdivEps?.eps ?? null)[0];
  for (const [i, p] of before.plan.evals.entries()) {
    if (now.evals[i]) continue;
    if (o.shouldStop?.()) return;
    if (!ckpt) throw new Error(`study ${study.name}: run ${runId} has no stored checkpoint of epoch ${epoch} (the summary epoch) to evaluate; checkpoints kept: ${store.checkpoints(runId).map((c) => c.epoch).join(', ') || 'none'}`);
    const config = run.config;
    const job: EvalJob = { kind: 'eval', source: { kind: 'checkpoint', file: store.resolveFile(ckpt.file), sha256: ckpt.sha256, config },
      dataset: config.dataset, dataDir: config.dataDir, attack: p.attack, eps: p.eps, steps: p.steps, stepSize: null, n: p.n,
      batchSize: config.batchSize, seed: p.seed, backend: o.backend };
    emit({ event: 'eval', action: 'start', runId, attack: p.attack, n: p.n });
    const r = await service.evaluate(job, runId, ckpt.epoch);
    emit({ event: 'eval', action: 'done', runId, attack: p.attack, n: r.outcome.n, robustAccuracy: r.outcome.robustAccuracy, seconds: r.outcome.seconds });
  }
  const g = study.evaluation.rdivEps;
  if (g && !now.rdivEpsDone && !o.shouldStop?.()) {
    emit({ event: 'analysis', action: 'start', runId });
    await service.analyze(runId, { overEpochs: false, epsSweep: g.eps, tsne: false, n: g.n, steps: g.steps, seed: study.evaluation.seed });
    emit({ event: 'analysis', action: 'done', runId });
  }
}
