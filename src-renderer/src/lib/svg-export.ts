/**
 * Vector export of a line/scatter chart: the plotted datasets, axes ticks and legend written as
 * SVG from the chart's own pixel geometry (what you see, as paths rather than pixels).
 */
export interface SvgChart {
  width: number; height: number;
  area: { left: number; top: number; right: number; bottom: number };
  title?: string;
  xTicks: Array<{ px: number; label: string }>;
  yTicks: Array<{ px: number; label: string }>;
  xLabel?: string; yLabel?: string;
  /** fillToPrevious: a band's upper edge, filled down to the previous dataset's line (its lower edge). */
  datasets: Array<{ label: string; color: string; opacity: number; dashed: boolean; points: Array<[number, number]>; line: boolean; fillToPrevious?: boolean }>;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const r1 = (v: number): string => (Math.round(v * 10) / 10).toString();

export function chartToSvg(c: SvgChart): string {
  const { left, top, right, bottom } = c.area;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${c.width}" height="${c.height}" viewBox="0 0 ${c.width} ${c.height}" font-family="Inter, Helvetica, Arial, sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
  ];
  if (c.title) parts.push(`<text x="${left}" y="14" font-size="13" font-weight="600" fill="#1f2933">${esc(c.title)}</text>`);
  for (const t of c.yTicks) parts.push(`<line x1="${left}" x2="${right}" y1="${r1(t.px)}" y2="${r1(t.px)}" stroke="#e6e8eb"/><text x="${left - 6}" y="${r1(t.px + 4)}" text-anchor="end" fill="#52606d">${esc(t.label)}</text>`);
  for (const t of c.xTicks) parts.push(`<text x="${r1(t.px)}" y="${bottom + 16}" text-anchor="middle" fill="#52606d">${esc(t.label)}</text>`);
  parts.push(`<rect x="${left}" y="${top}" width="${right - left}" height="${bottom - top}" fill="none" stroke="#cbd2d9"/>`);
  if (c.xLabel) parts.push(`<text x="${(left + right) / 2}" y="${c.height - 4}" text-anchor="middle" fill="#323f4b">${esc(c.xLabel)}</text>`);
  if (c.yLabel) parts.push(`<text transform="translate(12 ${(top + bottom) / 2}) rotate(-90)" text-anchor="middle" fill="#323f4b">${esc(c.yLabel)}</text>`);
  parts.push(`<clipPath id="plot"><rect x="${left}" y="${top}" width="${right - left}" height="${bottom - top}"/></clipPath><g clip-path="url(#plot)">`);
  c.datasets.forEach((d, i) => {
    const prev = c.datasets[i - 1];
    if (!d.fillToPrevious || !prev || d.points.length === 0 || prev.points.length === 0) return;
    const ring = [...d.points, ...[...prev.points].reverse()];
    parts.push(`<path d="${ring.map(([x, y], j) => `${j === 0 ? 'M' : 'L'}${r1(x)} ${r1(y)}`).join('')}Z" fill="${esc(d.color)}" fill-opacity="0.16" stroke="none"/>`);
  });
  for (const d of c.datasets) {
    if (d.points.length === 0) continue;
    if (d.line) {
      const path = d.points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${r1(x)} ${r1(y)}`).join('');
      parts.push(`<path d="${path}" fill="none" stroke="${esc(d.color)}" stroke-opacity="${d.opacity}" stroke-width="1.8"${d.dashed ? ' stroke-dasharray="5 4"' : ''}/>`);
    } else {
      for (const [x, y] of d.points) parts.push(`<circle cx="${r1(x)}" cy="${r1(y)}" r="2.5" fill="${esc(d.color)}" fill-opacity="${d.opacity}"/>`);
    }
  }
  parts.push('</g>');
  const shown = c.datasets.filter((d) => d.opacity > 0.5);
  shown.forEach((d, i) => {
    const x = right - 150; const y = top + 12 + i * 15;
    parts.push(`<line x1="${x}" x2="${x + 18}" y1="${y - 4}" y2="${y - 4}" stroke="${esc(d.color)}" stroke-width="2"${d.dashed ? ' stroke-dasharray="4 3"' : ''}/><text x="${x + 24}" y="${y}" fill="#323f4b">${esc(d.label)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}
