import { describe, expect, it } from 'vitest';
import { csvCell, seriesCsv, toCsv } from '../../src-renderer/src/lib/csv.js';
import { formatResult, latexEscape, orderColumns, resultsCsv, resultsLatex, type ResultRow } from '../../src-renderer/src/lib/results-table.js';
import { meanStd } from '../../src-renderer/src/lib/stats.js';
import { chartToSvg } from '../../src-renderer/src/lib/svg-export.js';

const rows: ResultRow[] = [
  { group: 'ASCL_leaked #1', n: 3, metrics: { nat: { mean: 0.8512, std: 0.004 }, pgd: { mean: 0.5107, std: 0.0039 }, aa: null } },
  { group: 'ADV', n: 1, metrics: { nat: { mean: 0.8301, std: 0 }, pgd: { mean: 0.4811, std: 0 }, aa: { mean: 0.45, std: 0 } } },
];

describe('CSV', () => {
  it('quotes commas, quotes and newlines; empty for null and NaN; neutralises =formulas', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(null)).toBe('');
    expect(csvCell(NaN)).toBe('');
    expect(csvCell('=HYPERLINK(1)')).toBe("'=HYPERLINK(1)");
    expect(csvCell(-0.5)).toBe('-0.5');
  });

  it('toCsv writes CRLF rows and refuses a row of the wrong width (row 0 has 1 cell, header 2)', () => {
    expect(toCsv(['a', 'b'], [[1, 'x']])).toBe('a,b\r\n1,x\r\n');
    expect(() => toCsv(['a', 'b'], [[1]])).toThrow(/row 0 has 1 cells, the header has 2/);
  });

  it('seriesCsv writes one row per plotted point in long format', () => {
    expect(seriesCsv('epoch', [{ label: 'r1', points: [{ x: 1, y: 0.5 }, { x: 2, y: 0.25 }] }]))
      .toBe('series,epoch,value\r\nr1,1,0.5\r\nr1,2,0.25\r\n');
  });

  it('resultsCsv gives mean and std columns in percent, blanks for missing metrics', () => {
    const lines = resultsCsv(['nat', 'pgd', 'aa'], rows).trim().split('\r\n');
    expect(lines[0]).toBe('group,n,Nat. mean,Nat. std,PGD mean,PGD std,AA mean,AA std');
    const cells = lines[1].split(',');
    expect(cells[0]).toBe('ASCL_leaked #1');
    expect(Number(cells[2])).toBeCloseTo(85.12, 10);
    expect(Number(cells[5])).toBeCloseTo(0.39, 10);
    expect(cells.slice(6)).toEqual(['', '']);
  });
});

describe('results table formatting', () => {
  it('formatResult: "85.12 ± 0.40" for n=3, "83.01" for n=1, "–" for null', () => {
    expect(formatResult(rows[0].metrics.nat, 3)).toBe('85.12 ± 0.40');
    expect(formatResult(rows[1].metrics.nat, 1)).toBe('83.01');
    expect(formatResult(null, 2)).toBe('–');
  });

  it('formatResult with a standard error: "20.70 ± 1.28 se" for one run, "35.00 ± 7.07 (se 1.07)" for a group', () => {
    expect(formatResult({ mean: 0.207, std: 0, se: 0.0128 }, 1)).toBe('20.70 ± 1.28 se');
    expect(formatResult({ mean: 0.35, std: 0.0707, se: 0.0107 }, 2)).toBe('35.00 ± 7.07 (se 1.07)');
    expect(formatResult({ mean: 0.35, std: 0.0707, se: null }, 2)).toBe('35.00 ± 7.07');
  });

  it('LaTeX booktabs: escaped names, $\\pm$, best mean per column in bold, -- for missing', () => {
    const tex = resultsLatex(['nat', 'pgd', 'aa'], rows);
    expect(tex).toContain('\\toprule');
    expect(tex).toContain('\\midrule');
    expect(tex).toContain('\\bottomrule');
    expect(tex).toContain('\\begin{tabular}{lccc}');
    expect(tex).toContain('Method & Nat. & PGD & AA \\\\');
    expect(tex).toContain('ASCL\\_leaked \\#1 & \\textbf{85.12 $\\pm$ 0.40} & \\textbf{51.07 $\\pm$ 0.39} & -- \\\\');
    expect(tex).toContain('ADV & 83.01 & 48.11 & \\textbf{45.00} \\\\');
    expect(latexEscape('a_b%c&d$e{f}~^\\')).toBe('a\\_b\\%c\\&d\\$e\\{f\\}\\textasciitilde{}\\textasciicircum{}\\textbackslash{}');
  });

  it('orderColumns puts the paper order first: [trainAccuracy, eval:aa, pgdAccuracy, eval:pgd, natAccuracy, eval:fgsm]', () => {
    expect(orderColumns(['trainAccuracy', 'eval:aa', 'pgdAccuracy', 'eval:pgd', 'natAccuracy', 'eval:fgsm']))
      .toEqual(['natAccuracy', 'eval:pgd', 'eval:aa', 'pgdAccuracy', 'eval:fgsm', 'trainAccuracy']);
  });

  it('meanStd uses n - 1: [1, 2, 3, 4] -> mean 2.5, std sqrt(5/3); one value -> std 0', () => {
    const r = meanStd([1, 2, 3, 4]);
    expect(r.mean).toBe(2.5);
    expect(r.std).toBeCloseTo(Math.sqrt(5 / 3), 12);
    expect(meanStd([7])).toEqual({ mean: 7, std: 0, n: 1 });
  });
});

describe('chartToSvg', () => {
  it('writes one path per line dataset, circles for scatter, escapes labels', () => {
    const svg = chartToSvg({
      width: 400, height: 200, area: { left: 40, top: 10, right: 390, bottom: 170 }, title: 'loss <raw>',
      xTicks: [{ px: 40, label: '0' }], yTicks: [{ px: 170, label: '0' }],
      datasets: [
        { label: 'a&b', color: '#ff0000', opacity: 1, dashed: true, line: true, points: [[40, 170], [100, 50]] },
        { label: 'pts', color: '#00ff00', opacity: 1, dashed: false, line: false, points: [[50, 60], [60, 70], [70, 80]] },
      ],
    });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('<path d="M40 170L100 50"');
    expect(svg).toContain('stroke-dasharray');
    expect(svg.match(/<circle /g)).toHaveLength(3);
    expect(svg).toContain('loss &lt;raw&gt;');
    expect(svg).toContain('a&amp;b');
  });
});
