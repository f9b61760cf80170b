/**
 * The results table shaped like the paper's Tables 3/4: one row per run or group, columns
 * Nat., PGD, mPGD, AA (accuracies in %), each as mean +- std over the group's seeds.
 */
import { toCsv, type Cell } from './csv.js';

/** se: standard error of an evaluation figure, sqrt(p (1 - p) / n) (of the mean over a group's runs). */
export interface ResultCell { mean: number; std: number; se?: number | null }
export interface ResultRow { group: string; n: number; metrics: Record<string, ResultCell | null> }

/**
 * Paper column names for the service's metric keys: per-epoch accuracies (natAccuracy, ...) and
 * stored evaluations (`eval:<attack>`). PGD of Tables 3/4 is the stored PGD evaluation; the
 * per-epoch accuracies (the run's training PGD on the small held-out subset) are labelled monitoring.
 */
export const COLUMN_LABELS: Readonly<Record<string, string>> = {
  nat: 'Nat.', pgd: 'PGD', mpgd: 'mPGD', aa: 'AA', natAccuracy: 'Nat. (monitoring)', pgdAccuracy: 'PGD (monitoring)', trainAccuracy: 'Train',
  'eval:pgd': 'PGD', 'eval:mpgd': 'mPGD', 'eval:aa': 'AA', 'eval:fgsm': 'FGSM', 'eval:apgd-ce': 'APGD-CE', 'eval:apgd-t': 'APGD-T', 'eval:fab-t': 'FAB-T', 'eval:square': 'Square',
};
export const columnLabel = (key: string): string => COLUMN_LABELS[key] ?? key;

const PAPER_ORDER = ['nat', 'natAccuracy', 'pgd', 'eval:pgd', 'mpgd', 'eval:mpgd', 'aa', 'eval:aa', 'pgdAccuracy'];
/** The paper's column order first (Nat., PGD, mPGD, AA), then the rest as given; training accuracy last. */
export function orderColumns(columns: readonly string[]): string[] {
  const rank = (c: string): number => { const i = PAPER_ORDER.indexOf(c); return i >= 0 ? i : c === 'trainAccuracy' ? 1000 : 500; };
  return columns.map((c, i) => ({ c, i })).sort((a, b) => rank(a.c) - rank(b.c) || a.i - b.i).map((x) => x.c);
}

const pct = (v: number, digits: number): string => (v * 100).toFixed(digits);

/**
 * "81.23 ± 0.40" (std over the group's runs, shown when it has more than one). An evaluation
 * figure also shows its standard error: "20.70 ± 1.28 se" for one run, "20.70 ± 0.40 (se 0.74)" for a group.
 */
export function formatResult(c: ResultCell | null, n: number, digits = 2): string {
  if (!c || !Number.isFinite(c.mean)) return '–';
  const se = c.se ?? null;
  if (n > 1) return `${pct(c.mean, digits)} ± ${pct(c.std, digits)}${se !== null ? ` (se ${pct(se, digits)})` : ''}`;
  return se !== null ? `${pct(c.mean, digits)} ± ${pct(se, digits)} se` : pct(c.mean, digits);
}

export function resultsCsv(columns: readonly string[], rows: readonly ResultRow[]): string {
  const header = ['group', 'n', ...columns.flatMap((c) => [`${columnLabel(c)} mean`, `${columnLabel(c)} std`])];
  const body: Cell[][] = rows.map((r) => [r.group, r.n, ...columns.flatMap((c) => {
    const m = r.metrics[c];
    return m ? [m.mean * 100, m.std * 100] : [null, null];
  })]);
  return toCsv(header, body);
}

/** Escapes text for LaTeX (run names contain _ and #). */
const LATEX_SPECIALS: Readonly<Record<string, string>> = {
  '\\': '\\textbackslash{}', '~': '\\textasciitilde{}', '^': '\\textasciicircum{}',
  '#': '\\#', $: '\\$', '%': '\\%', '&': '\\&', _: '\\_', '{': '\\{', '}': '\\}',
};
export function latexEscape(s: string): string {
  // One pass, so the braces of \textbackslash{} are not escaped again.
  return s.replace(/[\\~^#$%&_{}]/g, (c) => LATEX_SPECIALS[c]);
}

/** A booktabs table with mean $\pm$ std; the best mean of each column in bold. */
export function resultsLatex(columns: readonly string[], rows: readonly ResultRow[], caption = 'Robust accuracy (\\%)', digits = 2): string {
  const best = new Map<string, number>();
  for (const c of columns) {
    const means = rows.map((r) => r.metrics[c]?.mean).filter((v): v is number => v !== undefined && Number.isFinite(v));
    if (means.length > 0) best.set(c, Math.max(...means));
  }
  const cell = (r: ResultRow, c: string): string => {
    const m = r.metrics[c];
    if (!m || !Number.isFinite(m.mean)) return '--';
    const text = r.n > 1 ? `${pct(m.mean, digits)} $\\pm$ ${pct(m.std, digits)}` : pct(m.mean, digits);
    return m.mean === best.get(c) && rows.length > 1 ? `\\textbf{${text}}` : text;
  };
  return [
    '\\begin{table}[t]', '\\centering', `\\caption{${caption}}`,
    `\\begin{tabular}{l${'c'.repeat(columns.length)}}`, '\\toprule',
    `Method & ${columns.map((c) => latexEscape(columnLabel(c))).join(' & ')} \\\\`, '\\midrule',
    ...rows.map((r) => `${latexEscape(r.group)} & ${columns.map((c) => cell(r, c)).join(' & ')} \\\\`),
    '\\bottomrule', '\\end{tabular}', '\\end{table}', '',
  ].join('\n');
}
