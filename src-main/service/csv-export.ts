/** CSV exports of metric series, evaluations and the compare table (csv-stringify quotes and escapes). */
import { stringify } from 'csv-stringify/sync';
import type { ApiParsedRequest, ApiResponses } from '../shared/channels.js';
import { StoreError, type Store } from '../store/store.js';
import type { RunRecord } from '../store/rows.js';
import { compareTable } from './compare.js';
import { monitoringLabel } from '../shared/evaluation.js';

/** The per-epoch PGD accuracy's column: monitoring, not the evaluation (the `monitoring` column says which PGD on how many images). */
const MONITORING_PGD_HEADER = 'pgdAccuracy (monitoring)';

type What = ApiParsedRequest<'export:csv'>['what'];

function table(header: string[], rows: unknown[][]): string {
  return stringify([header, ...rows.map((r) => r.map((v) => (v === null || v === undefined ? '' : v)))]);
}

/** Each run's rows, or (a damaged stored value) a problem naming the run, table and column: one bad run does not stop the export. */
function perRun<T>(runs: RunRecord[], problems: string[], f: (r: RunRecord) => T): Array<{ run: RunRecord; rows: T }> {
  return runs.flatMap((run) => {
    if (run.damage) { problems.push(run.damage); return []; }
    try {
      return [{ run, rows: f(run) }];
    } catch (err) {
      if (err instanceof StoreError && err.code === 'corrupt-cell') { problems.push(err.message); return []; }
      throw err;
    }
  });
}

export function exportCsv(store: Store, runs: RunRecord[], what: What): ApiResponses['export:csv'] {
  const problems: string[] = [];
  const filename = `ascl-${what}-${runs[0].id}${runs.length > 1 ? `-and-${runs.length - 1}-more` : ''}.csv`;
  switch (what) {
    case 'epochs': {
      const got = perRun(runs, problems, (r) => store.epochs(r.id));
      const terms = [...new Set(got.flatMap((p) => p.rows.flatMap((e) => Object.keys(e.terms))))].sort();
      // The per-epoch PGD is the run's cheap monitoring (its training PGD on evalSubset images), not the paper's evaluation.
      const rows = got.flatMap(({ run, rows: epochs }) => epochs.map((e) => [run.id, run.name, e.epoch, e.natAccuracy, e.pgdAccuracy,
        monitoringLabel(run.config), e.trainAccuracy, e.learningRate, e.seconds, ...terms.map((t) => e.terms[t])]));
      return { filename, problems, csv: table(['runId', 'name', 'epoch', 'natAccuracy', MONITORING_PGD_HEADER, 'monitoring', 'trainAccuracy', 'learningRate', 'seconds', ...terms], rows) };
    }
    case 'steps': {
      const got = perRun(runs, problems, (r) => store.stepRows(r.id));
      const terms = [...new Set(got.flatMap((p) => p.rows.flatMap((s) => Object.keys(s.values))))].sort();
      const rows = got.flatMap(({ run, rows: steps }) => steps.map((s) => [run.id, s.step, s.epoch, new Date(s.time).toISOString(), ...terms.map((t) => s.values[t])]));
      return { filename, problems, csv: table(['runId', 'step', 'epoch', 'time', ...terms], rows) };
    }
    case 'evals': {
      const rows = perRun(runs, problems, (r) => store.evaluationsDetailed(r.id)).flatMap(({ run: r, rows: evals }) => evals.map((e) => [r.id, e.id, e.attack, e.eps, e.steps, e.stepSize,
        e.protocol?.restarts, e.n, e.testSetSize, e.seed, e.checkpointEpoch, e.cleanAccuracy, e.cleanStdErr, e.robustAccuracy, e.robustStdErr, e.seconds, e.createdAt]));
      return { filename, problems, csv: table(['runId', 'evalId', 'attack', 'eps', 'steps', 'stepSize', 'restarts', 'n', 'testSetSize', 'seed', 'checkpointEpoch',
        'cleanAccuracy', 'cleanStdErr', 'robustAccuracy', 'robustStdErr', 'seconds', 'createdAt'], rows) };
    }
    case 'compare': {
      const t = compareTable(store, perRun(runs, problems, () => null).map((p) => p.run), { kind: 'last' });
      const rows = t.rows.map((r) => [r.group, r.n, r.runIds.join(' '), ...t.columns.flatMap((c) => [r.metrics[c]?.mean, r.metrics[c]?.std])]);
      const name = (c: string): string => (c === 'pgdAccuracy' ? MONITORING_PGD_HEADER : c);
      return { filename, problems, csv: table(['group', 'n', 'runIds', ...t.columns.flatMap((c) => [`${name(c)} mean`, `${name(c)} std`])], rows) };
    }
  }
}
