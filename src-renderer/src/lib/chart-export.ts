/** Chart exports: PNG of the canvas on white, SVG from the chart's own pixel geometry. */
import type { Chart } from 'chart.js';
import { BAND_SUFFIX, RAW_SUFFIX } from './chart-datasets.js';
import type { Series } from './chart-setup.js';
import type { XY } from './decimate.js';
import { formatNumber } from './format.js';
import { chartToSvg } from './svg-export.js';

/** The canvas drawn on white (it is transparent and most viewers would show black). */
export function chartPng(canvas: HTMLCanvasElement): Promise<Blob | null> {
  const c = document.createElement('canvas');
  c.width = canvas.width; c.height = canvas.height;
  const ctx = c.getContext('2d')!;
  ctx.fillStyle = '#ffffff'; ctx.fillRect(0, 0, c.width, c.height); ctx.drawImage(canvas, 0, 0);
  return new Promise((resolve) => c.toBlob(resolve, 'image/png'));
}

export function chartSvg(chart: Chart<'line' | 'scatter'>, series: readonly Series[], meta: { title: string; xLabel: string; yLabel: string }): string {
  const x = chart.scales.x; const y = chart.scales.y;
  return chartToSvg({
    width: chart.width, height: chart.height, title: meta.title, xLabel: meta.xLabel, yLabel: meta.yLabel,
    area: { left: chart.chartArea.left, top: chart.chartArea.top, right: chart.chartArea.right, bottom: chart.chartArea.bottom },
    xTicks: x.ticks.map((t) => ({ px: x.getPixelForValue(t.value), label: String(t.label ?? formatNumber(t.value)) })),
    yTicks: y.ticks.map((t) => ({ px: y.getPixelForValue(t.value), label: String(t.label ?? formatNumber(t.value)) })),
    datasets: chart.data.datasets.map((d, i) => {
      const label = String(d.label);
      const raw = label.endsWith(RAW_SUFFIX) || label.endsWith(BAND_SUFFIX);
      const scale = chart.scales[(d as { yAxisID?: string }).yAxisID ?? 'y'] ?? y;
      const visible = chart.isDatasetVisible(i);
      return {
        label,
        color: series.find((s) => s.label === label.replace(RAW_SUFFIX, '') || s.label === label)?.color ?? '#333333',
        opacity: raw ? 0.25 : visible ? 1 : 0,
        dashed: ((d as { borderDash?: number[] }).borderDash ?? []).length > 0,
        ...((d as { fill?: unknown }).fill === '-1' ? { fillToPrevious: true } : {}),
        line: d.type !== 'scatter',
        points: visible ? (d.data as XY[]).map((p) => [x.getPixelForValue(p.x), scale.getPixelForValue(p.y)] as [number, number]) : [],
      };
    }),
  });
}
