/**
 * What a chart draws from the pages' series: each line clipped to the zoomed x range and
 * decimated (min/max per bucket) to about one bucket per pixel; with smoothing, the EMA line over
 * the raw line faded behind it; on a log axis, values <= 0 left out (and counted).
 */
import type { ChartDataset, ScatterDataPoint } from 'chart.js';
import type { Series } from './chart-setup.js';
import { fade } from './chart-setup.js';
import { clipToRange, decimateMinMax, type XY } from './decimate.js';
import { smoothEma } from './smoothing.js';

export type DrawnDataset = ChartDataset<'line' | 'scatter', ScatterDataPoint[]>;
export interface DrawOptions {
  /** Plot width in pixels: the number of decimation buckets. */
  width: number;
  logY: boolean;
  /** EMA weight in [0, 1); 0 is off. */
  smoothing: number;
  zoom: { min: number; max: number } | null;
  hidden: Record<string, boolean>;
}

export const RAW_SUFFIX = ' (raw)';
/** Label suffix of a band's edges (Series.band): hidden from the legend. */
export const BAND_SUFFIX = ' (band)';

export function drawnDatasets(series: readonly Series[], o: DrawOptions): { datasets: DrawnDataset[]; droppedForLog: number } {
  const datasets: DrawnDataset[] = [];
  let droppedForLog = 0;
  const many = series.length > 8;
  for (const s of series) {
    let pts: XY[] = s.points;
    if (o.logY) { const kept = pts.filter((p) => p.y > 0); droppedForLog += pts.length - kept.length; pts = kept; }
    const scatter = s.kind === 'scatter';
    if (!scatter) pts = decimateMinMax(clipToRange(pts, o.zoom?.min ?? null, o.zoom?.max ?? null), Math.max(1, Math.round(o.width)));
    const smoothed = !scatter && o.smoothing > 0;
    const base = {
      yAxisID: s.right ? 'y1' : 'y', hidden: o.hidden[s.label] === true, parsing: false as const, normalized: true,
      borderDash: s.dashed ? [6, 4] : [], pointStyle: s.pointStyle ?? 'circle',
    };
    if (smoothed) {
      datasets.push({ ...base, type: 'line', label: `${s.label}${RAW_SUFFIX}`, data: pts, borderColor: fade(s.color, 0.22), backgroundColor: fade(s.color, 0.22), borderWidth: 1, pointRadius: 0 });
    }
    if (s.band) {
      // The upper edge fills down to the dataset pushed just before it (the lower edge).
      datasets.push({ ...base, type: 'line', label: s.label, data: pts, borderColor: fade(s.color, 0.35), backgroundColor: fade(s.color, 0.16),
        borderWidth: 1, pointRadius: 0, pointHoverRadius: 0, tension: 0, fill: s.band === 'upper' ? '-1' : false });
      continue;
    }
    datasets.push({
      ...base, type: scatter ? 'scatter' : 'line', label: s.label,
      data: smoothed ? smoothEma(pts, o.smoothing) : pts,
      borderColor: s.pointColors ?? s.color, backgroundColor: s.pointColors ?? s.color,
      // Markers only where they can be told apart: few points, few series.
      borderWidth: scatter ? 1.2 : many ? 1.4 : 2, pointRadius: scatter ? 3 : pts.length > 60 || many ? 0 : 2.5, pointHoverRadius: 4,
      tension: 0, spanGaps: false,
    });
  }
  return { datasets, droppedForLog };
}
