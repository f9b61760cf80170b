/**
 * Where the store lives: `--db FILE`, else `$ASCL_HOME/ascl.db`, else the platform's application
 * data folder (XDG on Linux, Application Support on macOS, %APPDATA% on Windows), as Electron's
 * app.getPath('userData') would choose. Checkpoint files live beside the database.
 */
import path from 'node:path';

export { APP_FOLDER, defaultHome } from '../common/app-home.js';
import { defaultHome } from '../common/app-home.js';

export const DB_FILE = 'ascl.db';

/** The database file to open: an explicit `--db` wins over ASCL_HOME and the default folder. */
export function resolveDbPath(db?: string | null, env: NodeJS.ProcessEnv = process.env): string {
  return db ? path.resolve(db) : path.join(defaultHome(env), DB_FILE);
}

/**
 * Resolves a relative file name inside `base`, rejecting path traversal (`..`, absolute paths,
 * NUL bytes): the store never reads or writes outside its own folder because of a stored name.
 */
export function resolveInside(base: string, relative: string, where = 'resolveInside'): string {
  if (typeof relative !== 'string' || relative.length === 0 || relative.includes('\0')) {
    throw new Error(`${where}: invalid file name ${JSON.stringify(relative)}`);
  }
  if (path.isAbsolute(relative) || path.win32.isAbsolute(relative)) {
    throw new Error(`${where}: file name ${JSON.stringify(relative)} must be relative to ${base}`);
  }
  const root = path.resolve(base);
  const full = path.resolve(root, relative);
  const rel = path.relative(root, full);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel) || relative.split(/[\\/]/).includes('..')) {
    throw new Error(`${where}: file name ${JSON.stringify(relative)} escapes the folder ${root}`);
  }
  return full;
}

/** Relative file name of a run's checkpoint after `epoch` (under the store's folder). */
export function checkpointRelPath(runId: string, epoch: number): string {
  if (!/^[A-Za-z0-9_-]+$/.test(runId)) throw new Error(`checkpointRelPath: invalid run id ${JSON.stringify(runId)}`);
  return `checkpoints/${runId}/epoch-${String(epoch).padStart(6, '0')}.ckpt`;
}
