/**
 * The attack x defence matrix (evals:matrix): one row per run or per group of runs (seeds: mean
 * and sample std of each column, the worst case per example computed per run, then averaged), and
 * the marks of cells that are not like-for-like: within a group, runs whose evaluations differ;
 * within a column, cells whose eps, n, iterations, norm or image subset differ from the column's
 * most common one.
 */
import { MATRIX_COLUMNS, type AttackMatrix, type MatrixCell, type MatrixColumn, type MatrixRow, type MatrixWorstCase } from '../../shared/channels.js';
import { groupKey } from '../compare.js';
import type { RunRecord } from '../../store/rows.js';
import { formatEps, type RunRow } from './run-row.js';

const LABELS: Readonly<Record<MatrixColumn, string>> = {
  clean: 'Clean', fgsm: 'FGSM', pgd: 'PGD', mpgd: 'mPGD', 'apgd-ce': 'APGD-CE', 'apgd-t': 'APGD-T', 'fab-t': 'FAB-T', square: 'Square', aa: 'AutoAttack',
};

function meanStd(values: readonly number[]): { mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = values.length > 1 ? Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1)) : 0;
  return { mean, std };
}

/** The one value the members share, else null and a mark naming the values. */
function shared<T extends string | number | null>(what: string, values: readonly T[], show: (v: T) => string, marks: string[]): T | null {
  const distinct = [...new Set(values)];
  if (distinct.length === 1) return distinct[0];
  marks.push(`the group's runs differ in ${what}: ${distinct.map(show).join(', ')}`);
  return null;
}

const showEps = (v: number | null): string => (v === null ? '–' : formatEps(v));
const showAny = (v: string | number | null): string => String(v ?? '–');

function groupCell(cells: readonly MatrixCell[]): MatrixCell {
  if (cells.length === 1) return cells[0];
  const marks = [...new Set(cells.flatMap((c) => c.marks))];
  return {
    ...meanStd(cells.map((c) => c.mean)), runs: cells.length,
    se: Math.sqrt(cells.reduce((a, c) => a + c.se * c.se, 0)) / cells.length,
    eps: shared('ε', cells.map((c) => c.eps), showEps, marks), n: shared('n', cells.map((c) => c.n), showAny, marks),
    steps: shared('iterations', cells.map((c) => c.steps), showAny, marks), norm: shared('norm', cells.map((c) => c.norm), showAny, marks) ?? 'mixed',
    subset: shared('images', cells.map((c) => c.subset), showAny, marks), evalIds: cells.flatMap((c) => c.evalIds), marks,
  };
}

function groupWorst(ws: readonly MatrixWorstCase[], members: number): MatrixWorstCase {
  if (ws.length === 1 && members === 1) return ws[0];
  const marks = [...new Set(ws.flatMap((w) => w.marks))];
  const attackSets = [...new Set(ws.map((w) => w.attacks.join('+')))];
  if (attackSets.length > 1) marks.push(`the group's runs count different attacks: ${attackSets.join('; ')}`);
  if (ws.length < members) marks.push(`${members - ws.length} of the group's ${members} runs have no worst case`);
  return { ...meanStd(ws.map((w) => w.mean)), runs: ws.length, images: Math.min(...ws.map((w) => w.images)),
    attacks: MATRIX_COLUMNS.filter((c) => ws.some((w) => w.attacks.includes(c))), marks };
}

/** Marks each cell whose eps, n, iterations, norm or images differ from its column's most common (ties: the first row's). */
function markColumns(rows: MatrixRow[]): void {
  const fields: Array<[keyof MatrixCell, string, (v: never) => string]> = [
    ['eps', 'ε', showEps as (v: never) => string], ['n', 'n', showAny as (v: never) => string], ['steps', 'iterations', showAny as (v: never) => string],
    ['norm', 'norm', showAny as (v: never) => string], ['subset', 'images', showAny as (v: never) => string]];
  for (const col of MATRIX_COLUMNS) {
    const cells = rows.map((r) => r.cells[col]).filter((c): c is MatrixCell => c !== undefined);
    if (cells.length < 2) continue;
    for (const [field, what, show] of fields) {
      if (col === 'clean' && (field === 'eps' || field === 'steps' || field === 'norm')) continue;
      const count = new Map<string, number>();
      for (const c of cells) count.set(JSON.stringify(c[field]), (count.get(JSON.stringify(c[field])) ?? 0) + 1);
      let mode = JSON.stringify(cells[0][field]);
      for (const [k, v] of count) if (v > (count.get(mode) ?? 0)) mode = k;
      for (const c of cells) {
        if (JSON.stringify(c[field]) !== mode) c.marks.push(`${what} ${show(c[field] as never)}, the column's: ${show(JSON.parse(mode) as never)}`);
      }
    }
  }
}

export interface MatrixInput { run: RunRecord; row: RunRow }

export function attackMatrix(inputs: readonly MatrixInput[], by: 'runs' | 'groups'): AttackMatrix {
  const groups = new Map<string, MatrixInput[]>();
  for (const x of inputs) {
    const k = by === 'runs' ? `run:${x.run.id}` : groupKey(x.run);
    groups.set(k, [...(groups.get(k) ?? []), x]);
  }
  const seen = new Map<string, number>();
  const rows: MatrixRow[] = [...groups.values()].map((members) => {
    const first = members[0].run;
    let label = by === 'runs' ? first.name || first.id
      : first.group ?? `${first.config.defense}/${first.config.selection}/${first.config.model}/${first.config.dataset}`;
    const k = seen.get(label) ?? 0;
    seen.set(label, k + 1);
    if (k > 0) label = `${label} #${k + 1}`;
    const cells: Partial<Record<MatrixColumn, MatrixCell>> = {};
    for (const col of MATRIX_COLUMNS) {
      const cs = members.map((m) => m.row.cells[col]).filter((c): c is MatrixCell => c !== undefined);
      if (cs.length === 0) continue;
      const c = groupCell(cs.map((x) => ({ ...x, marks: [...x.marks] })));
      if (cs.length < members.length) c.marks.push(`${members.length - cs.length} of the group's ${members.length} runs have no ${LABELS[col]} evaluation`);
      cells[col] = c;
    }
    const ws = members.map((m) => m.row.worstCase).filter((w): w is MatrixWorstCase => w !== null);
    const epsValues = [...new Set(members.map((m) => m.row.eps))];
    return { label, runIds: members.map((m) => m.run.id), eps: epsValues.length === 1 ? epsValues[0] : null, cells,
      worstCase: ws.length > 0 ? groupWorst(ws.map((w) => ({ ...w, marks: [...w.marks] })), members.length) : null };
  });
  markColumns(rows);
  const columns = MATRIX_COLUMNS.filter((c) => rows.some((r) => r.cells[c] !== undefined)).map((key) => {
    if (key !== 'pgd' && key !== 'mpgd') return { key, label: LABELS[key] };
    const ks = [...new Set(rows.map((r) => r.cells[key]?.steps).filter((s) => s !== undefined))];
    return { key, label: `${LABELS[key]}-${ks.length === 1 && ks[0] !== null ? ks[0] : 'k'}` };
  });
  return { columns, rows };
}
