/**
 * A study's report from the store (shared/study-report.ts): per group (row) and column (Nat and the
 * protocol's attacks), the seeds' values at the summary epoch with mean, sample std, the 95%
 * t-interval over seeds and the binomial standard error of the mean; the paired differences asked
 * for; Figure 3's positives/negatives per anchor over epochs and Figure 4's curves over eps.
 * Nat is the clean accuracy of the run's evaluation on the most images (first listed on a tie).
 */
import fs from 'node:fs';
import os from 'node:os';
import { standardError } from '../../shared/evaluation.js';
import type { StudyCell, StudyDifference, StudyEpsSeries, StudyReport, StudyReportRow, StudySelectionSeries } from '../../shared/study-report.js';
import { mean, meanCi, pairedDifferences, seOfMean } from '../../shared/study-stats.js';
import type { Study } from '../../shared/study.js';
import { TERMS } from '../../shared/terms.js';
import type { Store } from '../../store/store.js';
import type { MatchedRun } from './match.js';
import { groupLabels } from './plan.js';
import { matchStudy } from './status.js';

function packageVersion(url: URL): string | null {
  try { return (JSON.parse(fs.readFileSync(url, 'utf8')) as { version: string }).version; } catch { return null; }
}

function cell(values: number[], ses: number[], images: number[]): StudyCell | null {
  if (values.length === 0) return null;
  return { ...meanCi(values), seOfMean: seOfMean(ses), images: Math.min(...images) };
}

function runRow(store: Store, m: MatchedRun, columns: string[]): StudyReportRow['runs'][number] | null {
  if (!m.run || m.epoch === null) return null;
  const values: Record<string, number> = {};
  const se: Record<string, number> = {};
  const images: Record<string, number> = {};
  let widest: { n: number; clean: number } | null = null;
  let seconds = store.epochs(m.run.id).reduce((a, e) => a + e.seconds, 0);
  for (const e of m.evals) {
    if (!e) continue;
    seconds += e.seconds;
    values[e.attack] = e.robustAccuracy; se[e.attack] = standardError(e.robustAccuracy, e.n); images[e.attack] = e.n;
    if (!widest || e.n > widest.n) widest = { n: e.n, clean: e.cleanAccuracy };
  }
  if (widest) { values.nat = widest.clean; se.nat = standardError(widest.clean, widest.n); images.nat = widest.n; }
  for (const k of Object.keys(values)) if (!columns.includes(k)) { delete values[k]; delete se[k]; delete images[k]; }
  return { runId: m.run.id, seed: m.plan.seed, epoch: m.epoch, values, se, images, seconds };
}

export function studyReport(store: Store, study: Study): StudyReport {
  const matched = matchStudy(store, study);
  const columns = ['nat', ...new Set(study.evaluation.attacks.map((a) => a.attack))];
  const missing: string[] = [];
  const rows: StudyReportRow[] = groupLabels(matched.map((m) => m.plan)).map((group) => {
    const members = matched.filter((m) => m.plan.group === group);
    const runs = members.map((m) => {
      if (!m.run) missing.push(`${group} seed ${m.plan.seed}: no run yet`);
      else if (m.epoch === null) missing.push(`${group} seed ${m.plan.seed}: run ${m.run.id} is ${m.run.status} (${m.run.epochsDone}/${m.plan.config.epochs} epochs)`);
      else m.evals.forEach((e, i) => { if (!e) missing.push(`${group} seed ${m.plan.seed}: ${m.plan.evals[i].attack} evaluation of run ${m.run!.id}`); });
      return runRow(store, m, columns);
    }).filter((r): r is NonNullable<typeof r> => r !== null);
    const cells: Record<string, StudyCell | null> = {};
    for (const c of columns) {
      const have = runs.filter((r) => c in r.values);
      cells[c] = cell(have.map((r) => r.values[c]), have.map((r) => r.se[c]), have.map((r) => r.images[c]));
    }
    return { group, presets: [...new Set(members.map((m) => m.plan.preset))], runs, cells };
  });
  const byGroup = new Map(rows.map((r) => [r.group, r]));
  const differences: StudyDifference[] = study.report.differences.map((d) => {
    const a = byGroup.get(d.of)!; const b = byGroup.get(d.minus)!;
    const out: StudyDifference['columns'] = {};
    for (const c of columns) {
      const p = pairedDifferences(new Map(a.runs.filter((r) => c in r.values).map((r) => [r.seed, r.values[c]])),
        new Map(b.runs.filter((r) => c in r.values).map((r) => [r.seed, r.values[c]])));
      out[c] = p.seeds.length ? { ...p, ci: meanCi(p.diffs) } : null;
    }
    return { of: d.of, minus: d.minus, columns: out };
  });
  const runIds = rows.flatMap((r) => r.runs.map((x) => ({ group: r.group, id: x.runId })));
  const backends = [...new Set(matched.map((m) => m.run?.backend).filter((b): b is string => typeof b === 'string'))];
  const trainSeconds = matched.reduce((a, m) => a + (m.run ? store.epochs(m.run.id).reduce((s, e) => s + e.seconds, 0) : 0), 0);
  const evalSeconds = matched.reduce((a, m) => a + m.evals.reduce((s, e) => s + (e?.seconds ?? 0), 0), 0);
  const cpus = os.cpus();
  return {
    name: study.name, description: study.description, summary: study.report.summary, columns, rows, differences,
    selection: selectionSeries(store, runIds), epsCurves: epsSeries(store, runIds), missing,
    environment: { machine: `${cpus[0]?.model ?? 'unknown CPU'}`, cores: os.availableParallelism(), os: `${os.platform()} ${os.release()} ${os.arch()}`,
      node: process.version, appVersion: packageVersion(new URL('../../../package.json', import.meta.url)) ?? 'unknown',
      tfjsVersion: packageVersion(new URL('../../../node_modules/@tensorflow/tfjs-core/package.json', import.meta.url)), backends },
    compute: { trainSeconds, evalSeconds, totalSeconds: trainSeconds + evalSeconds },
    protocol: study.evaluation, generatedAt: new Date().toISOString(),
  };
}

/** Figure 3: per group and epoch, the seeds' mean of pos_benign + pos_adv and of neg_benign + neg_adv (stored per epoch as means per anchor). */
function selectionSeries(store: Store, runs: Array<{ group: string; id: string }>): StudySelectionSeries[] {
  const out: StudySelectionSeries[] = [];
  for (const group of [...new Set(runs.map((r) => r.group))]) {
    const per = new Map<number, { p: number[]; n: number[] }>();
    for (const r of runs.filter((x) => x.group === group)) {
      for (const e of store.epochs(r.id)) {
        const t = e.terms;
        if (!(TERMS.posBenign in t) || !(TERMS.negBenign in t)) continue;
        const slot = per.get(e.epoch) ?? { p: [], n: [] };
        slot.p.push((t[TERMS.posBenign] ?? 0) + (t[TERMS.posAdv] ?? 0));
        slot.n.push((t[TERMS.negBenign] ?? 0) + (t[TERMS.negAdv] ?? 0));
        per.set(e.epoch, slot);
      }
    }
    if (per.size === 0) continue;
    const epochs = [...per.keys()].sort((a, b) => a - b);
    out.push({ group, epochs, positives: epochs.map((e) => mean(per.get(e)!.p)), negatives: epochs.map((e) => mean(per.get(e)!.n)) });
  }
  return out;
}

/** Figure 4: per group and eps, the mean R-DIV and robust accuracy over the runs that store that eps. */
function epsSeries(store: Store, runs: Array<{ group: string; id: string }>): StudyEpsSeries[] {
  const out: StudyEpsSeries[] = [];
  for (const group of [...new Set(runs.map((r) => r.group))]) {
    const per = new Map<number, { r: number[]; a: number[] }>();
    let count = 0;
    for (const r of runs.filter((x) => x.group === group)) {
      const rows = store.rdiv(r.id).eps;
      if (rows.length) count++;
      for (const row of rows) {
        const slot = per.get(row.eps) ?? { r: [], a: [] };
        slot.r.push(row.rdiv); slot.a.push(row.robustAccuracy);
        per.set(row.eps, slot);
      }
    }
    if (per.size === 0) continue;
    const eps = [...per.keys()].sort((a, b) => a - b);
    out.push({ group, eps, rdiv: eps.map((e) => mean(per.get(e)!.r)), robustAccuracy: eps.map((e) => mean(per.get(e)!.a)), runs: count });
  }
  return out;
}
