/**
 * Min/max-per-bucket decimation for line charts: the x range is cut into equal buckets and each
 * bucket keeps its first, minimum, maximum and last point (in x order), so every spike and dip
 * survives and the line's shape at bucket edges is exact. Never random sampling.
 */
export interface XY { x: number; y: number }

/**
 * @param points sorted by x; non-finite y values are kept as gaps only at their own position.
 * @param buckets number of buckets (about the chart's width in pixels); output has at most 4 per bucket.
 */
export function decimateMinMax(points: readonly XY[], buckets: number): XY[] {
  if (!Number.isInteger(buckets) || buckets < 1) throw new Error(`decimateMinMax: buckets must be a positive integer (got ${buckets})`);
  if (points.length <= buckets * 4) return points.slice();
  const x0 = points[0].x;
  const span = points[points.length - 1].x - x0;
  if (!(span > 0)) return [points[0], points[points.length - 1]];
  const out: XY[] = [];
  let i = 0;
  while (i < points.length) {
    const b = Math.min(buckets - 1, Math.floor(((points[i].x - x0) / span) * buckets));
    const first = i;
    let lo = i; let hi = i;
    while (i < points.length && Math.min(buckets - 1, Math.floor(((points[i].x - x0) / span) * buckets)) === b) {
      if (points[i].y < points[lo].y) lo = i;
      if (points[i].y > points[hi].y) hi = i;
      i++;
    }
    const last = i - 1;
    for (const k of [...new Set([first, lo, hi, last])].sort((a, c) => a - c)) out.push(points[k]);
  }
  return out;
}

/** The points inside [xMin, xMax] plus one neighbour on each side, so lines reach the chart edges. */
export function clipToRange(points: readonly XY[], xMin: number | null, xMax: number | null): XY[] {
  if (xMin === null && xMax === null) return points.slice();
  let start = 0; let end = points.length;
  if (xMin !== null) { while (start < points.length && points[start].x < xMin) start++; start = Math.max(0, start - 1); }
  if (xMax !== null) { end = start; while (end < points.length && points[end].x <= xMax) end++; end = Math.min(points.length, end + 1); }
  return points.slice(start, end);
}
