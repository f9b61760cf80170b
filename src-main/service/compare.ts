/**
 * The results table shaped like the paper's Tables 3/4: one row per group of runs (their `group`,
 * or else identical configurations except the seed), each metric as mean +- sample std over the
 * group. The summary epoch of each run is chosen explicitly: last, best (highest PGD accuracy on
 * the evaluation subset) or epoch k; evaluations count only when made at that epoch's checkpoint.
 * Evaluation columns also carry the standard error of their figure: sqrt(p (1 - p) / n) for one
 * run, sqrt(sum se_i^2) / k for the mean of k runs' evaluations (independent test draws).
 */
import type { ApiParsedRequest, ApiResponses } from '../shared/channels.js';
import type { Store } from '../store/store.js';
import type { EpochRecord, RunRecord } from '../store/rows.js';

type Summary = ApiParsedRequest<'compare:table'>['summary'];
const EPOCH_COLUMNS = ['natAccuracy', 'pgdAccuracy', 'trainAccuracy'] as const;

function summaryEpoch(epochs: EpochRecord[], summary: Summary): EpochRecord | null {
  if (epochs.length === 0) return null;
  switch (summary.kind) {
    case 'last': return epochs[epochs.length - 1];
    case 'best': return epochs.reduce((a, b) => (b.pgdAccuracy > a.pgdAccuracy ? b : a));
    case 'epoch': return epochs.find((e) => e.epoch === summary.epoch) ?? null;
  }
}

/** Stable JSON (sorted keys) for comparing configurations. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

export function groupKey(run: RunRecord): string {
  if (run.group) return `group:${run.group}`;
  const { seed: _seed, ...rest } = run.config;
  return `config:${stableJson(rest)}`;
}

function meanStd(values: number[]): { mean: number; std: number } | null {
  if (values.length === 0) return null;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = values.length > 1 ? Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1)) : 0;
  return { mean, std };
}

export function configDiff(runs: RunRecord[]): Record<string, Record<string, unknown>> {
  const configs: Array<Record<string, unknown>> = runs.map((r) => ({ ...r.config }));
  const keys = new Set(configs.flatMap((c) => Object.keys(c)));
  const diff: Record<string, Record<string, unknown>> = {};
  for (const k of [...keys].sort()) {
    const values = configs.map((c) => stableJson(c[k]));
    if (new Set(values).size > 1) diff[k] = Object.fromEntries(runs.map((r, i) => [r.id, configs[i][k] ?? null]));
  }
  return diff;
}

export function compareTable(store: Store, runs: RunRecord[], summary: Summary): ApiResponses['compare:table'] {
  const perRun = runs.map((run) => {
    const at = summaryEpoch(store.epochs(run.id), summary);
    const values: Record<string, number> = {};
    const ses: Record<string, number> = {};
    if (at) {
      for (const c of EPOCH_COLUMNS) values[c] = at[c];
      // Latest evaluation of each attack made at the summary epoch's checkpoint.
      for (const e of store.evaluationsDetailed(run.id)) {
        if (e.checkpointEpoch === at.epoch) { values[`eval:${e.attack}`] = e.robustAccuracy; ses[`eval:${e.attack}`] = e.robustStdErr; }
      }
    }
    return { run, values, ses };
  });
  const evalColumns = [...new Set(perRun.flatMap((p) => Object.keys(p.values)).filter((k) => k.startsWith('eval:')))].sort();
  const columns = [...EPOCH_COLUMNS, ...evalColumns];
  const groups = new Map<string, typeof perRun>();
  for (const p of perRun) {
    const k = groupKey(p.run);
    groups.set(k, [...(groups.get(k) ?? []), p]);
  }
  const labels = new Map<string, number>();
  const rows = [...groups.entries()].map(([key, members]) => {
    const first = members[0].run;
    let label = first.group ?? `${String(first.config.defense)}/${String(first.config.selection)}/${String(first.config.model)}/${String(first.config.dataset)}`;
    const seen = labels.get(label) ?? 0;
    labels.set(label, seen + 1);
    if (seen > 0 && !key.startsWith('group:')) label = `${label} #${seen + 1}`;
    const metrics: ApiResponses['compare:table']['rows'][number]['metrics'] = {};
    for (const c of columns) {
      const ms = meanStd(members.map((m) => m.values[c]).filter((v): v is number => Number.isFinite(v)));
      const se = members.map((m) => m.ses[c]).filter((v): v is number => Number.isFinite(v));
      metrics[c] = ms && { ...ms, se: se.length > 0 ? Math.sqrt(se.reduce((a, b) => a + b * b, 0)) / se.length : null };
    }
    return { group: label, runIds: members.map((m) => m.run.id), n: members.length, metrics };
  });
  return { rows, columns, configDiff: configDiff(runs) };
}
