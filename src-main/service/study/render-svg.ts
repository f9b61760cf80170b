/**
 * A study report's figures as standalone SVG: the table as grouped bars (mean over seeds, whiskers
 * the 95% t-interval), Figure 3 (positives and negatives per anchor over epochs) and Figure 4
 * (R-DIV and robust accuracy over eps). Plain SVG text, no browser needed.
 */
import { studyColumnLabel, type StudyReport } from '../../shared/study-report.js';

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];
const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

interface Series { label: string; xs: number[]; ys: number[]; dashed?: boolean; color: string }

function lineChart(title: string, xLabel: string, yLabel: string, series: Series[], formatX: (x: number) => string): string {
  const W = 760; const H = 360; const m = { l: 60, r: 250, t: 36, b: 48 };
  const xs = series.flatMap((s) => s.xs); const ys = series.flatMap((s) => s.ys);
  if (xs.length === 0) return '';
  const [x0, x1] = [Math.min(...xs), Math.max(...xs) === Math.min(...xs) ? Math.min(...xs) + 1 : Math.max(...xs)];
  const [y0, y1] = [Math.min(0, ...ys), Math.max(...ys) > 0 ? Math.max(...ys) * 1.05 : 1];
  const X = (x: number): number => m.l + ((x - x0) / (x1 - x0)) * (W - m.l - m.r);
  const Y = (y: number): number => H - m.b - ((y - y0) / (y1 - y0)) * (H - m.t - m.b);
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`, `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${esc(title)}</text>`,
    `<line x1="${m.l}" y1="${H - m.b}" x2="${W - m.r}" y2="${H - m.b}" stroke="black"/><line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${H - m.b}" stroke="black"/>`,
    `<text x="${(m.l + W - m.r) / 2}" y="${H - 10}" text-anchor="middle">${esc(xLabel)}</text>`,
    `<text transform="translate(16 ${(m.t + H - m.b) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`];
  for (let i = 0; i <= 4; i++) {
    const y = y0 + ((y1 - y0) * i) / 4;
    out.push(`<text x="${m.l - 6}" y="${Y(y) + 4}" text-anchor="end">${y.toFixed(y1 - y0 < 5 ? 2 : 0)}</text>`);
  }
  for (const x of [...new Set(xs)].sort((a, b) => a - b)) out.push(`<text x="${X(x)}" y="${H - m.b + 16}" text-anchor="middle">${esc(formatX(x))}</text>`);
  series.forEach((s, i) => {
    const pts = s.xs.map((x, j) => `${X(x).toFixed(1)},${Y(s.ys[j]).toFixed(1)}`).join(' ');
    out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 4"' : ''} points="${pts}"/>`);
    // Markers: a series of one epoch is a point, not a line.
    s.xs.forEach((x, j) => out.push(`<circle cx="${X(x).toFixed(1)}" cy="${Y(s.ys[j]).toFixed(1)}" r="3" fill="${s.dashed ? 'white' : s.color}" stroke="${s.color}"/>`));
    out.push(`<line x1="${W - m.r + 10}" y1="${m.t + 14 + i * 18}" x2="${W - m.r + 34}" y2="${m.t + 14 + i * 18}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 4"' : ''}/>`);
    out.push(`<text x="${W - m.r + 40}" y="${m.t + 18 + i * 18}">${esc(s.label)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}

/** The table as grouped bars: one group per column, one bar per method, whiskers the 95% CI. */
export function tableSvg(r: StudyReport): string {
  const W = 760; const H = 360; const m = { l: 50, r: 250, t: 36, b: 40 };
  const cols = r.columns; const rows = r.rows;
  const gw = (W - m.l - m.r) / Math.max(1, cols.length); const bw = (gw * 0.8) / Math.max(1, rows.length);
  const Y = (v: number): number => H - m.b - v * (H - m.t - m.b);
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`, `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${esc(`${r.name}: accuracy (mean over seeds, 95% CI)`)}</text>`,
    `<line x1="${m.l}" y1="${H - m.b}" x2="${W - m.r}" y2="${H - m.b}" stroke="black"/>`];
  for (let i = 0; i <= 5; i++) out.push(`<text x="${m.l - 6}" y="${Y(i / 5) + 4}" text-anchor="end">${i * 20}%</text>`);
  cols.forEach((c, ci) => {
    out.push(`<text x="${m.l + ci * gw + gw / 2}" y="${H - m.b + 16}" text-anchor="middle">${esc(studyColumnLabel(c))}</text>`);
    rows.forEach((row, ri) => {
      const cell = row.cells[c];
      if (!cell) return;
      const x = m.l + ci * gw + gw * 0.1 + ri * bw;
      out.push(`<rect x="${x.toFixed(1)}" y="${Y(cell.mean).toFixed(1)}" width="${(bw * 0.9).toFixed(1)}" height="${(Y(0) - Y(cell.mean)).toFixed(1)}" fill="${COLORS[ri % COLORS.length]}"/>`);
      if (cell.ci95) {
        const cx = x + bw * 0.45;
        out.push(`<line x1="${cx.toFixed(1)}" y1="${Y(Math.min(1, cell.ci95[1])).toFixed(1)}" x2="${cx.toFixed(1)}" y2="${Y(Math.max(0, cell.ci95[0])).toFixed(1)}" stroke="black"/>`);
      }
    });
  });
  rows.forEach((row, i) => out.push(`<rect x="${W - m.r + 10}" y="${m.t + 6 + i * 18}" width="12" height="12" fill="${COLORS[i % COLORS.length]}"/>`,
    `<text x="${W - m.r + 28}" y="${m.t + 16 + i * 18}">${esc(row.group)}</text>`));
  out.push('</svg>');
  return out.join('\n');
}

/** Figure 3; empty when no run stores selection counts. */
export function selectionSvg(r: StudyReport): string {
  const series: Series[] = r.selection.flatMap((s, i) => [
    { label: `${s.group} positives`, xs: s.epochs, ys: s.positives, color: COLORS[i % COLORS.length] },
    { label: `${s.group} negatives`, xs: s.epochs, ys: s.negatives, color: COLORS[i % COLORS.length], dashed: true }]);
  return lineChart('Positives (solid) and negatives (dashed) per anchor', 'epoch', 'count per anchor', series, (x) => String(x));
}

/** Figure 4: R-DIV (solid) and robust accuracy (dashed) over eps; empty when none is stored. */
export function epsSvg(r: StudyReport): string {
  const series: Series[] = r.epsCurves.flatMap((s, i) => [
    { label: `${s.group} R-DIV`, xs: s.eps, ys: s.rdiv, color: COLORS[i % COLORS.length] },
    { label: `${s.group} robust acc.`, xs: s.eps, ys: s.robustAccuracy, color: COLORS[i % COLORS.length], dashed: true }]);
  return lineChart('R-DIV and robust accuracy over eps', 'eps', 'R-DIV / accuracy', series, (x) => `${(x * 255).toFixed(0)}/255`);
}
