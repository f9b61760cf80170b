/**
 * A study report written out: Markdown (the paper-shaped table with mean ± std, n, the 95%
 * t-interval over seeds and the binomial SE of the mean; paired differences; Figures 3 and 4 as
 * tables; environment and compute time), CSV (one line per run and column, then one per cell) and
 * SVG (the table as bars with their intervals, Figure 3 and Figure 4 as line charts).
 */
import { stringify } from 'csv-stringify/sync';
import { studyColumnLabel, type StudyCell, type StudyReport } from '../../shared/study-report.js';

const pct = (v: number): string => (v * 100).toFixed(2);
const ciText = (c: StudyCell): string => (c.ci95 ? `[${pct(c.ci95[0])}, ${pct(c.ci95[1])}]` : 'n/a (1 seed)');

function summaryText(s: StudyReport['summary']): string {
  return s.kind === 'last' ? 'the last epoch' : s.kind === 'best' ? `the best epoch by ${s.criterion} (monitoring subset)` : `epoch ${s.epoch}`;
}

export function reportMarkdown(r: StudyReport): string {
  const L: string[] = [`# Study ${r.name}`, ''];
  if (r.description) L.push(r.description, '');
  const p = r.protocol;
  L.push(`Accuracies in %, over seeds at ${summaryText(r.summary)}: mean ± sample std (k seeds), 95% CI of the mean (t-distribution, k - 1 df), ` +
    'and the binomial standard error of the mean of the k evaluations (sqrt(sum se_i^2) / k). Nat is the clean accuracy of the evaluation on the most images.', '');
  L.push(`Protocol: ${p.attacks.map((a) => `${a.attack}${a.steps ? ` k=${a.steps}` : ''}${(a.n ?? p.n) ? ` n=${a.n ?? p.n}` : ''}`).join(', ')}; ` +
    `eps ${p.eps === null ? 'the dataset\'s' : p.eps.toFixed(5)}; attack seed ${p.seed}; images: the first n of the test split.`, '');
  L.push(`| method | ${r.columns.map(studyColumnLabel).join(' | ')} | seeds |`, `|---|${r.columns.map(() => '---|').join('')}---|`);
  for (const row of r.rows) {
    const cells = r.columns.map((c) => { const x = row.cells[c]; return x ? `${pct(x.mean)} ± ${pct(x.std)}` : '–'; });
    L.push(`| ${row.group} | ${cells.join(' | ')} | ${row.runs.length} |`);
  }
  L.push('', '| method | column | k | images | mean | std | 95% CI | SE of mean |', '|---|---|---|---|---|---|---|---|');
  for (const row of r.rows) {
    for (const c of r.columns) {
      const x = row.cells[c];
      if (x) L.push(`| ${row.group} | ${studyColumnLabel(c)} | ${x.k} | ${x.images} | ${pct(x.mean)} | ${pct(x.std)} | ${ciText(x)} | ${pct(x.seOfMean)} |`);
    }
  }
  L.push('', '## Runs', '', 'Each run at its summary epoch: value ± its binomial standard error sqrt(p (1 - p) / n), in %.', '',
    `| method | seed | run | epoch | ${r.columns.map(studyColumnLabel).join(' | ')} |`, `|---|---|---|---|${r.columns.map(() => '---|').join('')}`);
  for (const row of r.rows) {
    for (const run of row.runs) {
      L.push(`| ${row.group} | ${run.seed} | ${run.runId} | ${run.epoch} | ${r.columns.map((c) => (c in run.values ? `${pct(run.values[c])} ± ${pct(run.se[c])} (n ${run.images[c]})` : '–')).join(' | ')} |`);
    }
  }
  if (r.differences.length) {
    L.push('', '## Paired differences across seeds', '', '| difference | column | seeds | per seed | mean | 95% CI |', '|---|---|---|---|---|---|');
    for (const d of r.differences) {
      for (const c of r.columns) {
        const x = d.columns[c];
        if (x) L.push(`| ${d.of} − ${d.minus} | ${studyColumnLabel(c)} | ${x.seeds.join(', ')} | ${x.diffs.map(pct).join(', ')} | ${pct(x.ci.mean)} | ` +
          `${x.ci.ci95 ? `[${pct(x.ci.ci95[0])}, ${pct(x.ci.ci95[1])}]` : 'n/a'} |`);
      }
    }
  }
  if (r.selection.length) {
    L.push('', '## Positives and negatives per anchor over epochs (Figure 3)', '', 'Means per anchor over the epoch\'s steps (benign + adversarial views), averaged over seeds.', '',
      '| method | epoch | positives | negatives |', '|---|---|---|---|');
    for (const s of r.selection) s.epochs.forEach((e, i) => L.push(`| ${s.group} | ${e} | ${s.positives[i].toFixed(2)} | ${s.negatives[i].toFixed(2)} |`));
  }
  if (r.epsCurves.length) {
    L.push('', '## R-DIV and robust accuracy over eps (Figure 4)', '', '| method | eps | R-DIV | robust accuracy | runs |', '|---|---|---|---|---|');
    for (const s of r.epsCurves) s.eps.forEach((e, i) => L.push(`| ${s.group} | ${(e * 255).toFixed(1)}/255 | ${s.rdiv[i].toFixed(4)} | ${pct(s.robustAccuracy[i])} | ${s.runs} |`));
  }
  if (r.missing.length) L.push('', '## Not yet in the store', '', ...r.missing.map((m) => `- ${m}`));
  const e = r.environment;
  L.push('', '## Environment and compute', '', `- machine: ${e.machine}, ${e.cores} cores; ${e.os}; Node ${e.node}`,
    `- ASCL Studio ${e.appVersion}, TensorFlow.js ${e.tfjsVersion ?? 'unknown'}, backend ${e.backends.join(', ') || 'unknown'}`,
    `- compute: training ${(r.compute.trainSeconds / 3600).toFixed(2)} h (sum of epoch times), evaluations ${(r.compute.evalSeconds / 3600).toFixed(2)} h, ` +
    `total ${(r.compute.totalSeconds / 3600).toFixed(2)} h`, `- generated ${r.generatedAt}`, '');
  return L.join('\n');
}

/** One line per run and column (kind run), then one per table cell (kind mean). */
export function reportCsv(r: StudyReport): string {
  const lines: unknown[][] = [['kind', 'method', 'column', 'seed', 'run', 'epoch', 'value', 'std', 'se', 'images', 'k', 'ci_low', 'ci_high']];
  for (const row of r.rows) {
    for (const run of row.runs) for (const c of r.columns) if (c in run.values) lines.push(['run', row.group, c, run.seed, run.runId, run.epoch, run.values[c], '', run.se[c], run.images[c], 1, '', '']);
  }
  for (const row of r.rows) {
    for (const c of r.columns) {
      const x = row.cells[c];
      if (x) lines.push(['mean', row.group, c, '', '', '', x.mean, x.std, x.seOfMean, x.images, x.k, x.ci95?.[0] ?? '', x.ci95?.[1] ?? '']);
    }
  }
  for (const d of r.differences) {
    for (const c of r.columns) {
      const x = d.columns[c];
      if (x) lines.push(['difference', `${d.of} - ${d.minus}`, c, x.seeds.join(' '), '', '', x.ci.mean, x.ci.std, '', '', x.ci.k, x.ci.ci95?.[0] ?? '', x.ci.ci95?.[1] ?? '']);
    }
  }
  return stringify(lines);
}
