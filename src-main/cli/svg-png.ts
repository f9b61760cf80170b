/**
 * PNG copies of SVG figures, drawn by a headless Chromium when one is installed (CHROME_PATH, else
 * Debian's /usr/bin/chromium); without one the SVGs stand alone and the caller is told why.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';

export function chromiumPath(): string | null {
  const p = process.env.CHROME_PATH ?? '/usr/bin/chromium';
  return fs.existsSync(p) ? p : null;
}

/** Writes `png` from `svg` (width x height pixels); throws naming the file and Chromium's stderr when it fails. */
export function svgToPng(chromium: string, svg: string, png: string, width: number, height: number): void {
  const r = spawnSync(chromium, ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', `--screenshot=${png}`, `--window-size=${width},${height}`,
    pathToFileURL(svg).href], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0 || !fs.existsSync(png)) throw new Error(`svgToPng: ${chromium} could not draw ${svg}: ${r.error?.message ?? r.stderr.slice(-300)}`);
}
