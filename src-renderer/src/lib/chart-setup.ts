/** Chart.js, registered once with only the parts the app uses (tree-shaken). */
import {
  Chart, Filler, Legend, LineController, LineElement, LinearScale, LogarithmicScale, PointElement, ScatterController, Tooltip,
} from 'chart.js';

Chart.register(LineController, ScatterController, LineElement, PointElement, LinearScale, LogarithmicScale, Tooltip, Legend, Filler);
Chart.defaults.font.family = "Inter, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
Chart.defaults.font.size = 11;
Chart.defaults.color = '#52606d';
Chart.defaults.borderColor = '#e6e8eb';

export { Chart };

/** One plotted series as the pages describe it. */
export interface Series {
  label: string;
  color: string;
  points: Array<{ x: number; y: number }>;
  dashed?: boolean;
  /** 'line' (default) or 'scatter'. */
  kind?: 'line' | 'scatter';
  /** Chart.js point style for scatter series (adversarial points use 'crossRot'). */
  pointStyle?: 'circle' | 'crossRot' | 'triangle' | 'rect';
  /** Right-hand axis (e.g. robust accuracy next to R-DIV, as Figure 2). */
  right?: boolean;
  /** Per-point colours (scatter coloured by class or entropy). */
  pointColors?: string[];
  /** A band's edge: the 'lower' line is drawn faint, the 'upper' one filled down to the series just before it (the lower edge); both left out of the legend. */
  band?: 'lower' | 'upper';
}

/** Colour with alpha from a #rrggbb colour. */
export function fade(color: string, alpha: number): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  if (!m) return color;
  return `rgba(${parseInt(m[1], 16)}, ${parseInt(m[2], 16)}, ${parseInt(m[3], 16)}, ${alpha})`;
}
