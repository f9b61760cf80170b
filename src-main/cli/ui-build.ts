/**
 * The built UI (vite, src-renderer/vite.config.ts) that `ascl serve` and `npm start` serve: built when
 * missing or stale, so a fresh clone serves the page instead of an error. Stale = some source file the
 * renderer bundles (RENDERER_INPUTS) is newer than the built index.html.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Where `npm run build:renderer` writes the UI (the vite config's outDir). */
export const DEFAULT_UI_DIR = path.join(ROOT, 'dist', 'renderer');
/** Folders (relative to the repository root) whose files end up in the renderer bundle. */
export const RENDERER_INPUTS = ['src-renderer', 'src-main/shared'];

/** Newest modification time (ms) of the files under `dir`, 0 when it does not exist. */
function newestMtime(dir: string): number {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    newest = Math.max(newest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

export type UiState = { state: 'missing' } | { state: 'stale'; newer: string } | { state: 'fresh' };

/** Whether `uiDir` holds a UI built from the current sources. */
export function uiState(uiDir: string = DEFAULT_UI_DIR): UiState {
  const index = path.join(uiDir, 'index.html');
  if (!existsSync(index)) return { state: 'missing' };
  const built = statSync(index).mtimeMs;
  const newer = RENDERER_INPUTS.find((d) => newestMtime(path.join(ROOT, d)) > built);
  return newer ? { state: 'stale', newer } : { state: 'fresh' };
}

/** Builds the renderer into dist/renderer, or into outDir (tests and --ui-dir build their own copy). */
export async function buildRenderer(outDir?: string): Promise<void> {
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch (err) {
    throw new Error(`buildRenderer: cannot load vite (a dev dependency; run npm install with dev dependencies): ${(err as Error).message}`);
  }
  await vite.build({
    configFile: path.join(ROOT, 'src-renderer', 'vite.config.ts'), logLevel: 'error',
    ...(outDir ? { build: { outDir, emptyOutDir: true } } : {}),
  });
  if (!existsSync(path.join(outDir ?? DEFAULT_UI_DIR, 'index.html'))) {
    throw new Error(`buildRenderer: vite finished but ${path.join(outDir ?? DEFAULT_UI_DIR, 'index.html')} is missing`);
  }
}

/** Builds the UI in `uiDir` when it is missing or stale; `log` says why. Returns whether it built. */
export async function ensureUi(uiDir: string = DEFAULT_UI_DIR, log: (line: string) => void = () => {}): Promise<boolean> {
  const s = uiState(uiDir);
  if (s.state === 'fresh') return false;
  log(s.state === 'missing'
    ? `building the UI into ${uiDir} (not built yet; vite, about 20 s)…`
    : `rebuilding the UI in ${uiDir} (${s.newer}/ changed since the last build)…`);
  await buildRenderer(path.resolve(uiDir) === DEFAULT_UI_DIR ? undefined : uiDir);
  return true;
}
