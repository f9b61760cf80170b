/** CSV (RFC 4180) of plain rows, for tables and plotted series; numbers written in full precision. */
export type Cell = string | number | boolean | null | undefined;

export function csvCell(v: Cell): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : String(v);
  // Quote fields with separators, quotes or line breaks; guard against spreadsheet formula injection.
  const safe = /^[=+\-@\t\r]/.test(s) && typeof v === 'string' ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(header: readonly string[], rows: ReadonlyArray<readonly Cell[]>): string {
  for (const [i, r] of rows.entries()) {
    if (r.length !== header.length) throw new Error(`toCsv: row ${i} has ${r.length} cells, the header has ${header.length}`);
  }
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** Long-format CSV of plotted series: one row per point (series, x, y). */
export function seriesCsv(xLabel: string, series: ReadonlyArray<{ label: string; points: ReadonlyArray<{ x: number; y: number }> }>): string {
  const rows: Cell[][] = [];
  for (const s of series) for (const p of s.points) rows.push([s.label, p.x, p.y]);
  return toCsv(['series', xLabel, 'value'], rows);
}

/** Starts a browser download of text content. */
export function download(filename: string, content: string | Blob, type = 'text/csv;charset=utf-8'): void {
  const blob = typeof content === 'string' ? new Blob([content], { type }) : content;
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}
