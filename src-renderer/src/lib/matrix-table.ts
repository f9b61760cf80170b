/**
 * The attack x defence matrix as the page shows and exports it: heatmap colours, cell text, the
 * footnotes of cells that are not like-for-like (numbered once per distinct reason), and the
 * RobustBench-style table (Model, Clean, each attack, worst case) as CSV and LaTeX.
 */
import type { AttackMatrix, MatrixCell, MatrixRow, MatrixWorstCase } from '../../../src-main/shared/channels.js';
import { toCsv, type Cell } from './csv.js';
import { latexEscape } from './results-table.js';

export const WORST_KEY = 'worst';
export const WORST_LABEL = 'Worst case (per example)';

/** A column of the table: an attack column of the matrix or the worst case. */
export interface TableColumn { key: string; label: string }
export const tableColumns = (m: AttackMatrix): TableColumn[] => [...m.columns, ...(m.rows.some((r) => r.worstCase) ? [{ key: WORST_KEY, label: WORST_LABEL }] : [])];

export type AnyCell = Pick<MatrixCell, 'mean' | 'std' | 'runs' | 'marks'>;
export const cellOf = (r: MatrixRow, key: string): AnyCell | null =>
  key === WORST_KEY ? (r.worstCase as MatrixWorstCase | null) : (r.cells[key as keyof MatrixRow['cells']] ?? null);

/** Heatmap fill for an accuracy in [0, 1]: from #f7fbff (0) to #08306b (1), linear in RGB; text white on the darker half. */
export function heatColor(v: number): { background: string; color: string } {
  const t = Math.min(1, Math.max(0, v));
  const lo = [0xf7, 0xfb, 0xff]; const hi = [0x08, 0x30, 0x6b];
  const c = lo.map((x, i) => Math.round(x + (hi[i] - x) * t));
  return { background: `#${c.map((x) => x.toString(16).padStart(2, '0')).join('')}`, color: t > 0.5 ? '#ffffff' : '#1f2933' };
}

const pct = (v: number, d: number): string => (v * 100).toFixed(d);
/** "45.31", or for a group "45.31 ± 1.20" (sample std over its runs). */
export const cellText = (c: AnyCell | null, digits = 2, pm = ' ± '): string =>
  !c ? '–' : c.runs > 1 ? `${pct(c.mean, digits)}${pm}${pct(c.std, digits)}` : pct(c.mean, digits);

/** Each distinct reason once, numbered from 1 in table order; per (row, column) the numbers of its reasons. */
export function footnotes(m: AttackMatrix): { notes: string[]; of: (rowIndex: number, key: string) => number[] } {
  const notes: string[] = [];
  const at = new Map<string, number[]>();
  const cols = tableColumns(m);
  m.rows.forEach((r, i) => {
    for (const col of cols) {
      const c = cellOf(r, col.key);
      if (!c) continue;
      at.set(`${i}|${col.key}`, c.marks.map((mk) => { let k = notes.indexOf(mk); if (k < 0) { notes.push(mk); k = notes.length - 1; } return k + 1; }));
    }
  });
  return { notes, of: (i, key) => at.get(`${i}|${key}`) ?? [] };
}

/** CSV: per row and column the accuracy (%), its std over the group's runs, the runs and the marks. */
export function matrixCsv(m: AttackMatrix): string {
  const cols = tableColumns(m);
  const header = ['model', 'runs', 'eps', ...cols.flatMap((c) => [`${c.label} %`, `${c.label} std %`, `${c.label} marks`])];
  const rows: Cell[][] = m.rows.map((r) => [r.label, r.runIds.length, r.eps, ...cols.flatMap((c) => {
    const x = cellOf(r, c.key);
    return x ? [x.mean * 100, x.std * 100, x.marks.join('; ')] : [null, null, null];
  })]);
  return toCsv(header, rows);
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const noteMark = (k: number): string => (k <= 26 ? LETTERS[k - 1] : String(k));

/**
 * RobustBench-style booktabs table: Model, Clean, each attack and the worst case in %, the best of
 * each column in bold; a cell that is not like-for-like carries a superscript letter explained
 * under the table.
 */
export function matrixLatex(m: AttackMatrix, caption = 'Robust accuracy (\\%) under each attack; worst case: the fraction of test images robust to every attack, per example', digits = 2): string {
  const cols = tableColumns(m);
  const { notes, of } = footnotes(m);
  const best = new Map(cols.map((c) => [c.key, Math.max(...m.rows.map((r) => cellOf(r, c.key)?.mean ?? -Infinity))]));
  const body = m.rows.map((r, i) => `${latexEscape(r.label)} & ${cols.map((c) => {
    const x = cellOf(r, c.key);
    if (!x) return '--';
    const text = cellText(x, digits, ' $\\pm$ ');
    const marks = of(i, c.key);
    return `${x.mean === best.get(c.key) && m.rows.length > 1 ? `\\textbf{${text}}` : text}${marks.length ? `\\textsuperscript{${marks.map(noteMark).join(',')}}` : ''}`;
  }).join(' & ')} \\\\`);
  return [
    '\\begin{table}[t]', '\\centering', `\\caption{${caption}}`,
    `\\begin{tabular}{l${'c'.repeat(cols.length)}}`, '\\toprule',
    `Model & ${cols.map((c) => latexEscape(c.label)).join(' & ')} \\\\`, '\\midrule', ...body, '\\bottomrule', '\\end{tabular}',
    ...(notes.length ? ['\\\\[2pt]', '\\footnotesize', ...notes.map((n, k) => `\\textsuperscript{${noteMark(k + 1)}} ${latexEscape(n)}\\\\`)] : []),
    '\\end{table}', '',
  ].join('\n');
}
