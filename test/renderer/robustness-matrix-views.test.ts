/**
 * The renderer's pieces of the robustness-curves and attack x defence pages: curve entries (groups
 * of seeds as mean and band), the band as chart series and as an SVG fill, the eps-slice table
 * (CSV, LaTeX), and the matrix table's heatmap colours, footnotes, CSV and LaTeX.
 */
import { describe, expect, it } from 'vitest';
import type { AttackMatrix, MatrixCell } from '../../src-main/shared/channels.js';
import type { EvalRow } from '../../src-main/shared/rows.js';
import { studentTQuantile } from '../../src-main/shared/student-t.js';
import { BAND_SUFFIX, drawnDatasets } from '../../src-renderer/src/lib/chart-datasets.js';
import { cellText, footnotes, heatColor, matrixCsv, matrixLatex, tableColumns } from '../../src-renderer/src/lib/matrix-table.js';
import { curveEntries, curveSeries, epsLabel, sliceCsv, sliceLatex, type CurveRun } from '../../src-renderer/src/lib/robustness-view.js';
import { chartToSvg } from '../../src-renderer/src/lib/svg-export.js';

let nextId = 1;
const grid = (runId: string, accs: number[], eps = [0, 2, 4, 8].map((k) => k / 255), attack = 'pgd', steps: number | null = 3): EvalRow[] =>
  accs.map((robustAccuracy, j) => ({ id: nextId++, runId, attack, eps: eps[j], steps, stepSize: null, n: 32, cleanAccuracy: accs[0], robustAccuracy,
    seconds: 1, testSetSize: 500, cleanStdErr: 0, robustStdErr: 0, protocol: null, createdAt: '', iterations: null, flags: [] }));

const runsOf = (): CurveRun[] => [
  { id: 'a', label: 'seed 0', group: 'adv', evals: grid('a', [0.8, 0.6, 0.4, 0.1]) },
  { id: 'b', label: 'seed 1', group: 'adv', evals: grid('b', [0.6, 0.4, 0.2, 0.1]) },
  { id: 'c', label: 'nat', group: null, evals: grid('c', [0.9, 0.3, 0.1, 0]) },
];

describe('curve entries', () => {
  it('two seeds of group adv (PGD-3, 4 eps): one mean entry "adv (mean of 2)" with the 95% CI half-width t(0.975, 1) s / sqrt(2); the ungrouped run alone without band', () => {
    const e = curveEntries(runsOf(), { average: true, band: 'ci95' });
    expect(e.map((x) => [x.label, x.runs])).toEqual([['adv (mean of 2)', 2], ['nat', 1]]);
    const s = Math.SQRT2 / 10; // values 0.8 and 0.6: sample std 0.1414
    expect(e[0].points[0].mean).toBeCloseTo(0.7, 12);
    expect(e[0].points[0].halfWidth!).toBeCloseTo(studentTQuantile(0.975, 1) * s / Math.SQRT2, 9);
    expect(e[0].points[3].halfWidth).toBe(0);
    expect(e[1].points.every((p) => p.halfWidth === null)).toBe(true);
    // AUC of seed 0: (2 * 0.7 + 2 * 0.5 + 4 * 0.25) / 8 = 0.425; seed 1: (2 * 0.5 + 2 * 0.3 + 4 * 0.15) / 8 = 0.275.
    expect(e[0].auc!.mean).toBeCloseTo(0.35, 12);
    expect(e[0].attackLabel).toBe('PGD-3');
  });
  it('average off: one entry per run, each with its own AUC', () => {
    const e = curveEntries(runsOf(), { average: false, band: 'std' });
    expect(e.map((x) => x.label)).toEqual(['seed 0', 'seed 1', 'nat']);
    expect(e[0].auc!.mean).toBeCloseTo(0.425, 12);
    expect(e[1].auc!.mean).toBeCloseTo(0.275, 12);
  });
  it('series: a band (lower, upper) before the group mean, upper = mean + std; the upper edge fills to the dataset before it, both hidden from the legend', () => {
    const entries = curveEntries(runsOf(), { average: true, band: 'std' });
    const series = curveSeries(entries, 'pgd', () => '#4e79a7');
    expect(series.map((s) => s.band ?? 'line')).toEqual(['lower', 'upper', 'line', 'line']);
    expect(series[1].points[0].y).toBeCloseTo(0.7 + Math.SQRT2 / 10, 12);
    expect(series[0].points.map((p) => p.x)).toEqual([0, 2, 4, 8]);
    const d = drawnDatasets(series, { width: 600, logY: false, smoothing: 0, zoom: null, hidden: {} }).datasets;
    expect(d.map((x) => (x as { fill?: unknown }).fill ?? null)).toEqual([false, '-1', null, null]);
    expect(String(d[1].label).endsWith(BAND_SUFFIX)).toBe(true);
  });
  it('SVG export of a band: one closed path filled between the upper edge and the reversed lower edge', () => {
    const svg = chartToSvg({ width: 200, height: 100, area: { left: 10, top: 10, right: 190, bottom: 90 }, xTicks: [], yTicks: [], datasets: [
      { label: 'l', color: '#4e79a7', opacity: 0.25, dashed: false, line: true, points: [[10, 80], [100, 70]] },
      { label: 'u', color: '#4e79a7', opacity: 0.25, dashed: false, line: true, fillToPrevious: true, points: [[10, 40], [100, 30]] }] });
    expect(svg).toContain('<path d="M10 40L100 30L100 70L10 80Z" fill="#4e79a7" fill-opacity="0.16" stroke="none"/>');
  });
});

describe('eps-slice table', () => {
  it('CSV: one row per entry, one column pair per eps (% and band), then the AUC and its eps range', () => {
    const csv = sliceCsv(curveEntries(runsOf(), { average: true, band: 'std' }), 'std').trim().split('\r\n');
    expect(csv[0]).toBe('curve,attack,n images,runs,eps=0 %,eps=0 std %,eps=2/255 %,eps=2/255 std %,eps=4/255 %,eps=4/255 std %,eps=8/255 %,eps=8/255 std %,AUC %,AUC std %,AUC eps min,AUC eps max');
    const row = csv[1].split(',');
    expect(row.slice(0, 4)).toEqual(['adv (mean of 2)', 'PGD-3', '32', '2']);
    expect(Number(row[4])).toBeCloseTo(70, 10);
    expect(Number(row[12])).toBeCloseTo(35, 10);
    expect(Number(row[15])).toBeCloseTo(8 / 255, 12);
  });
  it('LaTeX: a booktabs table with an eps column each, mean $\\pm$ band for groups, names escaped, the AUC definition in the caption', () => {
    const tex = sliceLatex(curveEntries([{ ...runsOf()[0], group: 'adv_x' }, { ...runsOf()[1], group: 'adv_x' }], { average: true, band: 'ci95' }), 'ci95');
    expect(tex).toContain('Model & Attack & $\\epsilon = 0$ & $\\epsilon = 2/255$ & $\\epsilon = 4/255$ & $\\epsilon = 8/255$ & AUC \\\\');
    expect(tex).toMatch(/adv\\_x \(mean of 2\) & PGD-3 & 70\.0 \$\\pm\$ \d+\.\d/);
    expect(tex).toContain('divided by the $\\epsilon$ range');
    expect(tex).toContain('95\\% CI');
  });
  it('eps labels: 8/255 for whole 255ths, 0 for 0, 3 significant digits otherwise', () => {
    expect([epsLabel(8 / 255), epsLabel(0), epsLabel(0.3), epsLabel(0.01234)]).toEqual(['8/255', '0', '0.3', '0.0123']);
  });
});

const mcell = (mean: number, o: Partial<MatrixCell> = {}): MatrixCell => ({ mean, std: 0, runs: 1, se: 0, eps: 8 / 255, n: 32, steps: 3, norm: 'Linf', subset: 'synthetic first 32 of 500', evalIds: [1], marks: [], ...o });
const matrix: AttackMatrix = {
  columns: [{ key: 'clean', label: 'Clean' }, { key: 'pgd', label: 'PGD-3' }, { key: 'square', label: 'Square' }],
  rows: [
    { label: 'adv_seeds', runIds: ['a', 'b'], eps: 8 / 255, cells: { clean: mcell(0.8, { runs: 2, std: 0.05 }), pgd: mcell(0.4, { runs: 2, std: 0.1 }), square: mcell(0.5, { runs: 2, std: 0 }) },
      worstCase: { mean: 0.35, std: 0.02, runs: 2, images: 32, attacks: ['pgd', 'square'], marks: [] } },
    { label: 'nat', runIds: ['c'], eps: 8 / 255, cells: { clean: mcell(0.9), pgd: mcell(0.1, { n: 16, marks: ["n 16, the column's: 32"] }), square: mcell(0.3, { marks: ["n 16, the column's: 32"] }) },
      worstCase: { mean: 0.05, std: 0, runs: 1, images: 16, attacks: ['pgd', 'square'], marks: ['on the first 16 images'] } },
  ],
};

describe('matrix table', () => {
  it('heatmap: 0 is #f7fbff with dark text, 1 is #08306b with white text, 0.5 halfway (#8096b5)', () => {
    expect(heatColor(0)).toEqual({ background: '#f7fbff', color: '#1f2933' });
    expect(heatColor(1)).toEqual({ background: '#08306b', color: '#ffffff' });
    expect(heatColor(0.5).background).toBe('#8096b5');
  });
  it('cell text: one run 40.00, a group 40.00 ± 10.00; the worst-case column is added after the attacks', () => {
    expect(cellText(matrix.rows[1].cells.pgd!)).toBe('10.00');
    expect(cellText(matrix.rows[0].cells.pgd!)).toBe('40.00 ± 10.00');
    expect(tableColumns(matrix).map((c) => c.key)).toEqual(['clean', 'pgd', 'square', 'worst']);
  });
  it('footnotes: each distinct reason numbered once in table order; the nat row\'s PGD and Square cells share note 1, its worst case note 2', () => {
    const f = footnotes(matrix);
    expect(f.notes).toEqual(["n 16, the column's: 32", 'on the first 16 images']);
    expect([f.of(1, 'pgd'), f.of(1, 'square'), f.of(1, 'worst'), f.of(0, 'pgd')]).toEqual([[1], [1], [2], []]);
  });
  it('LaTeX: Model, Clean, attacks, worst case; best of each column bold; marked cells with superscript letters explained below', () => {
    const tex = matrixLatex(matrix);
    expect(tex).toContain('Model & Clean & PGD-3 & Square & Worst case (per example) \\\\');
    expect(tex).toContain('adv\\_seeds & 80.00 $\\pm$ 5.00 & \\textbf{40.00 $\\pm$ 10.00} & \\textbf{50.00 $\\pm$ 0.00} & \\textbf{35.00 $\\pm$ 2.00} \\\\');
    expect(tex).toContain('nat & \\textbf{90.00} & 10.00\\textsuperscript{a} & 30.00\\textsuperscript{a} & 5.00\\textsuperscript{b} \\\\');
    expect(tex).toContain("\\textsuperscript{a} n 16, the column's: 32\\\\");
  });
  it('CSV: per column %, std % and the marks', () => {
    const lines = matrixCsv(matrix).trim().split('\r\n');
    expect(lines[0]).toBe('model,runs,eps,Clean %,Clean std %,Clean marks,PGD-3 %,PGD-3 std %,PGD-3 marks,Square %,Square std %,Square marks,Worst case (per example) %,Worst case (per example) std %,Worst case (per example) marks');
    expect(lines[2].startsWith(`nat,1,${8 / 255},90,0,,10,0,"n 16, the column's: 32",30,0,"n 16, the column's: 32",5,0,on the first 16 images`)).toBe(true);
  });
});
