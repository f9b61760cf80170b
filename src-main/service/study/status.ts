/**
 * A study's progress: per planned run its stored run's state, epochs and evaluations, and the time
 * left from the rates measured so far in this study (mean seconds per epoch over its stored epochs,
 * mean seconds per evaluation of each attack), shared over `workers` training workers.
 */
import type { StudyProgress, StudyRunStatus, StudyStatus } from '../../shared/study-report.js';
import type { Study } from '../../shared/study.js';
import type { Store } from '../../store/store.js';
import { matchPlan, type MatchedRun } from './match.js';
import { planStudy } from './plan.js';

export function matchStudy(store: Store, study: Study): MatchedRun[] {
  return matchPlan(store, planStudy(study), study.report.summary, study.evaluation.rdivEps?.eps ?? null);
}

export function studyStatus(store: Store, study: Study, workers = 1): StudyStatus {
  const matched = matchStudy(store, study);
  const runs: StudyRunStatus[] = matched.map((m) => ({
    preset: m.plan.preset, group: m.plan.group, seed: m.plan.seed, runId: m.run?.id ?? null, status: m.run?.status ?? 'missing',
    epochsDone: m.run?.epochsDone ?? 0, epochsTotal: m.plan.config.epochs,
    evalsDone: m.evals.filter((e) => e !== null).length + (m.rdivEpsDone && study.evaluation.rdivEps ? 1 : 0),
    evalsTotal: m.plan.evals.length + (study.evaluation.rdivEps ? 1 : 0),
  }));
  return { name: study.name, study, runs, progress: progressOf(store, matched, workers) };
}

function progressOf(store: Store, matched: readonly MatchedRun[], workers: number): StudyProgress {
  const epochTimes: number[] = [];
  const evalTimes = new Map<string, number[]>();
  for (const m of matched) {
    if (!m.run) continue;
    for (const e of store.epochs(m.run.id)) epochTimes.push(e.seconds);
    for (const e of m.evals) if (e) evalTimes.set(e.attack, [...(evalTimes.get(e.attack) ?? []), e.seconds]);
  }
  const avg = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const epochSeconds = epochTimes.length ? avg(epochTimes) : null;
  const evalSeconds: Record<string, number> = Object.fromEntries([...evalTimes].map(([k, v]) => [k, avg(v)]));
  let epochsLeft = 0; let epochsAll = 0; let evalLeft = 0; let evalAll = 0; let unknownEval = false;
  for (const m of matched) {
    epochsAll += m.plan.config.epochs;
    epochsLeft += m.plan.config.epochs - Math.min(m.run?.epochsDone ?? 0, m.plan.config.epochs);
    m.plan.evals.forEach((p, i) => {
      const s = evalSeconds[p.attack];
      if (s === undefined) unknownEval = true;
      evalAll += s ?? 0;
      if (m.evals[i] === null) evalLeft += s ?? 0;
    });
  }
  const trainLeft = epochSeconds === null ? null : (epochsLeft * epochSeconds) / Math.max(1, workers);
  const etaSeconds = trainLeft === null || (unknownEval && evalLeft === 0 && matched.some((m) => m.evals.some((e) => e === null))) ? null : trainLeft + evalLeft;
  const totalWork = epochSeconds === null ? epochsAll : epochsAll * epochSeconds + evalAll;
  const doneWork = epochSeconds === null ? epochsAll - epochsLeft : (epochsAll - epochsLeft) * epochSeconds + (evalAll - evalLeft);
  const evalsTotal = matched.reduce((a, m) => a + m.plan.evals.length, 0);
  return {
    runsTotal: matched.length, runsDone: matched.filter((m) => m.run?.status === 'completed').length,
    evalsTotal, evalsDone: matched.reduce((a, m) => a + m.evals.filter((e) => e !== null).length, 0),
    fraction: totalWork > 0 ? doneWork / totalWork : 1, etaSeconds, epochSeconds, evalSeconds,
  };
}
