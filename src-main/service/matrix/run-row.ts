/**
 * One run's row of the attack x defence matrix: per attack the evaluation that stands for it, the
 * clean accuracy, and the worst case per example. The evaluation chosen for an attack is, in this
 * order of preference: made at the run's newest evaluated checkpoint, at the row's eps (else the
 * nearest eps, marked), the newest. Eps-0 points of a grid are no attack and never chosen.
 */
import { MATRIX_COLUMNS, type MatrixCell, type MatrixColumn, type MatrixWorstCase } from '../../shared/channels.js';
import { standardError } from '../../shared/evaluation.js';
import type { AttackName } from '../../shared/options.js';
import type { EvalRow } from '../../shared/rows.js';
import { worstCasePerExample } from './worst-case.js';

export type MatrixEval = EvalRow & { checkpointEpoch: number | null };

/** Every attack of this project bounds the L-infinity norm; a Record so a new attack must state its norm. */
export const ATTACK_NORM: Readonly<Record<AttackName, string>> = {
  fgsm: 'Linf', pgd: 'Linf', mpgd: 'Linf', aa: 'Linf', 'apgd-ce': 'Linf', 'apgd-t': 'Linf', 'fab-t': 'Linf', square: 'Linf',
};

/** 8/255 where eps is a whole number of 255ths, else 3 significant digits. */
export function formatEps(eps: number): string {
  const k = eps * 255;
  return Math.abs(k - Math.round(k)) < 1e-6 ? `${Math.round(k)}/255` : String(Number(eps.toPrecision(3)));
}

/** An attack the matrix has a column for (stored rows may name attacks of older versions). */
const isAttackColumn = (a: string): boolean => a !== 'clean' && (MATRIX_COLUMNS as readonly string[]).includes(a);

const sameEps = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

export const subsetOf = (e: EvalRow, dataset: string): string =>
  `${e.protocol?.dataset ?? dataset} first ${e.n} of ${e.testSetSize ?? e.protocol?.testSetSize ?? '?'}`;

export interface RunRow {
  eps: number;
  cells: Partial<Record<MatrixColumn, MatrixCell>>;
  worstCase: MatrixWorstCase | null;
}

function cell(e: EvalRow, value: number, dataset: string, marks: string[]): MatrixCell {
  return { mean: value, std: 0, runs: 1, se: standardError(value, e.n), eps: e.eps, n: e.n, steps: e.steps, subset: subsetOf(e, dataset),
    norm: e.attack in ATTACK_NORM ? ATTACK_NORM[e.attack as AttackName] : 'unknown', evalIds: [e.id], marks };
}

/**
 * evals: the run's stored evaluations; eps: the row's budget; outcomes(id): the per-image robust
 * flags of an evaluation (null where not stored).
 */
export function runRow(dataset: string, eps: number, evals: readonly MatrixEval[], outcomes: (id: number) => Uint8Array | null): RunRow {
  const epochs = evals.map((e) => e.checkpointEpoch).filter((x): x is number => x !== null);
  const checkpoint = epochs.length > 0 ? Math.max(...epochs) : null;
  const rank = (e: MatrixEval): [number, number, number] => [e.checkpointEpoch === checkpoint ? 0 : 1, Math.abs(e.eps - eps), -e.id];
  const better = (a: MatrixEval, b: MatrixEval): boolean => {
    const ra = rank(a); const rb = rank(b);
    for (let i = 0; i < 3; i++) if (ra[i] !== rb[i]) return ra[i] < rb[i];
    return false;
  };
  const markOf = (e: MatrixEval): string[] => [
    ...(sameEps(e.eps, eps) ? [] : [`ε = ${formatEps(e.eps)}, not the row's ${formatEps(eps)}`]),
    ...(e.checkpointEpoch === checkpoint ? [] : [`checkpoint of epoch ${e.checkpointEpoch ?? '?'}, not the row's ${checkpoint ?? '?'}`]),
  ];
  const cells: Partial<Record<MatrixColumn, MatrixCell>> = {};
  const chosen = new Map<string, MatrixEval>();
  for (const e of evals) {
    if ((e.eps === 0 && eps > 0) || !isAttackColumn(e.attack)) continue;
    const prev = chosen.get(e.attack);
    if (!prev || better(e, prev)) chosen.set(e.attack, e);
  }
  for (const [attack, e] of chosen) cells[attack as MatrixColumn] = cell(e, e.robustAccuracy, dataset, markOf(e));
  // Clean accuracy from the evaluation on the most images at the row's checkpoint (any attack measures it).
  const atCheckpoint = evals.filter((e) => e.checkpointEpoch === checkpoint);
  const widest = atCheckpoint.reduce<MatrixEval | null>((a, e) => (!a || e.n > a.n || (e.n === a.n && e.id > a.id) ? e : a), null);
  if (widest) cells.clean = { ...cell(widest, widest.cleanAccuracy, dataset, []), eps: null, steps: null, norm: '-' };

  // Worst case: the attacks at the row's eps and checkpoint whose per-image outcomes are stored.
  const counted: Array<{ attack: string; e: MatrixEval; o: Uint8Array }> = [];
  const left: string[] = [];
  const order = (x: string): number => (MATRIX_COLUMNS as readonly string[]).indexOf(x);
  for (const [attack, e] of [...chosen].sort((x, y) => order(x[0]) - order(y[0]))) {
    const o = outcomes(e.id);
    if (!sameEps(e.eps, eps)) left.push(`${attack} (ε ${formatEps(e.eps)})`);
    else if (e.checkpointEpoch !== checkpoint) left.push(`${attack} (checkpoint of epoch ${e.checkpointEpoch ?? '?'})`);
    else if (!o || o.length !== e.n) left.push(`${attack} (no per-image outcomes stored)`);
    else if (e.protocol !== null && e.protocol.subset !== 'first-n') left.push(`${attack} (image subset ${e.protocol.subset})`);
    else counted.push({ attack, e, o });
  }
  let worstCase: MatrixWorstCase | null = null;
  if (counted.length > 0) {
    const w = worstCasePerExample(counted.map((c) => c.o));
    const ns = new Set(counted.map((c) => c.e.n));
    worstCase = {
      mean: w.robustAccuracy, std: 0, runs: 1, images: w.images, attacks: counted.map((c) => c.attack as MatrixColumn),
      marks: [
        ...(ns.size > 1 ? [`on the first ${w.images} images, the ones every attack was evaluated on (${counted.map((c) => `${c.attack} n = ${c.e.n}`).join(', ')})`] : []),
        ...(left.length > 0 ? [`left out: ${left.join(', ')}`] : []),
      ],
    };
  }
  return { eps, cells, worstCase };
}
