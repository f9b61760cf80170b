/**
 * Serves the built renderer: files only (no directory listing), paths resolved inside the root
 * (traversal answers 404), explicit content types, and index.html for the app's own routes.
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import path from 'node:path';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

export type StaticResult = { status: 200; file: string; type: string; size: number } | { status: 400 | 404; reason: string };

/**
 * Maps a URL path to a file under root. Rejects NUL bytes and bad escapes (400), anything that
 * resolves outside root, dotfiles, directories and unknown types (404). Symlinks are resolved
 * before the containment check, so a link pointing out of root is refused too.
 */
export async function resolveStatic(root: string, urlPath: string): Promise<StaticResult> {
  let decoded: string;
  try { decoded = decodeURIComponent(urlPath); } catch { return { status: 400, reason: `resolveStatic: bad escape in ${JSON.stringify(urlPath)}` }; }
  if (decoded.includes('\0') || decoded.includes('\\')) return { status: 400, reason: `resolveStatic: bad character in ${JSON.stringify(urlPath)}` };
  const rel = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  if (rel.split('/').some((seg) => seg === '..' || seg.startsWith('.'))) {
    return { status: 404, reason: `resolveStatic: ${JSON.stringify(urlPath)} is outside the UI folder` };
  }
  const rootReal = await realpath(root).catch(() => null);
  if (!rootReal) return { status: 404, reason: 'resolveStatic: the UI is not built (run npm run build:renderer)' };
  const candidate = path.resolve(rootReal, rel);
  const real = await realpath(candidate).catch(() => null);
  if (!real || (real !== rootReal && !real.startsWith(rootReal + path.sep))) {
    return { status: 404, reason: `resolveStatic: no file ${JSON.stringify(urlPath)}` };
  }
  const st = await stat(real);
  if (!st.isFile()) return { status: 404, reason: `resolveStatic: ${JSON.stringify(urlPath)} is not a file` };
  const type = CONTENT_TYPES[path.extname(real).toLowerCase()];
  if (!type) return { status: 404, reason: `resolveStatic: no content type for ${JSON.stringify(urlPath)}` };
  return { status: 200, file: real, type, size: st.size };
}

export function sendFile(res: ServerResponse, r: Extract<StaticResult, { status: 200 }>, headOnly: boolean): void {
  // Hashed assets never change; index.html must be re-read so a rebuilt UI is picked up.
  const cache = r.file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache';
  res.writeHead(200, { 'Content-Type': r.type, 'Content-Length': r.size, 'Cache-Control': cache });
  if (headOnly) { res.end(); return; }
  createReadStream(r.file).on('error', (err) => res.destroy(err)).pipe(res);
}
