import { describe, expect, it } from 'vitest';
import { drawnDatasets, type DrawOptions } from '../../src-renderer/src/lib/chart-datasets.js';
import { smoothEma } from '../../src-renderer/src/lib/smoothing.js';
import type { Series } from '../../src-renderer/src/lib/chart-setup.js';

const opts = (o: Partial<DrawOptions> = {}): DrawOptions => ({ width: 100, logY: false, smoothing: 0, zoom: null, hidden: {}, ...o });
const line = (label: string, ys: number[]): Series => ({ label, color: '#4e79a7', points: ys.map((y, x) => ({ x, y })) });
const xyOf = (d: { data: unknown }) => d.data as Array<{ x: number; y: number }>;

describe('drawnDatasets', () => {
  it('10000 points on a 100 px plot: at most 400 drawn, the spike (y = 50 at x = 7777) kept', () => {
    const ys = Array.from({ length: 10_000 }, (_, i) => (i === 7777 ? 50 : Math.sin(i / 100)));
    const [d] = drawnDatasets([line('loss', ys)], opts()).datasets;
    expect(xyOf(d).length).toBeLessThanOrEqual(400);
    expect(xyOf(d)).toContainEqual({ x: 7777, y: 50 });
  });

  it('smoothing 0.6: a faded "(raw)" dataset under the EMA line, legend label unchanged', () => {
    const s = line('loss', [4, 1, 3, 0.5, 2]);
    const { datasets } = drawnDatasets([s], opts({ smoothing: 0.6 }));
    expect(datasets.map((d) => d.label)).toEqual(['loss (raw)', 'loss']);
    expect(datasets[0].borderColor).toBe('rgba(78, 121, 167, 0.22)');
    expect(xyOf(datasets[0])).toEqual(s.points);
    expect(xyOf(datasets[1])).toEqual(smoothEma(s.points, 0.6));
  });

  it('log axis: values <= 0 are left out and counted (3 of 6)', () => {
    const { datasets, droppedForLog } = drawnDatasets([line('kl', [1, 0, -2, 0.1, 0, 5])], opts({ logY: true }));
    expect(droppedForLog).toBe(3);
    expect(xyOf(datasets[0]).map((p) => p.y)).toEqual([1, 0.1, 5]);
  });

  it('zoom x in [40, 60] of 0..99: points 39..61 only (one neighbour each side)', () => {
    const [d] = drawnDatasets([line('acc', Array.from({ length: 100 }, (_, i) => i))], opts({ zoom: { min: 40, max: 60 } })).datasets;
    expect(xyOf(d)[0].x).toBe(39);
    expect(xyOf(d).at(-1)!.x).toBe(61);
  });

  it('hidden series stay hidden; right-axis series use y1; scatter is neither decimated nor smoothed', () => {
    const scatter: Series = { label: 'tsne', color: '#000000', kind: 'scatter', points: Array.from({ length: 1000 }, (_, i) => ({ x: i % 7, y: i })) };
    const { datasets } = drawnDatasets([{ ...line('a', [1, 2]), right: true }, line('b', [1, 2]), scatter], opts({ hidden: { b: true }, smoothing: 0.5, width: 10 }));
    const byLabel = new Map(datasets.map((d) => [d.label, d]));
    expect(byLabel.get('a')!.yAxisID).toBe('y1');
    expect(byLabel.get('b')!.hidden).toBe(true);
    expect(xyOf(byLabel.get('tsne')!)).toHaveLength(1000);
    expect(byLabel.has('tsne (raw)')).toBe(false);
  });
});
