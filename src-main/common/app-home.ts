/**
 * The application's home folder, shared by the engine (downloaded datasets) and the store
 * (database, checkpoints) without either depending on the other: `$ASCL_HOME`, else the
 * platform's application data folder (XDG on Linux, Application Support on macOS, %APPDATA% on
 * Windows), as Electron's app.getPath('userData') would choose.
 */
import os from 'node:os';
import path from 'node:path';

export const APP_FOLDER = 'ascl-studio';

export function defaultHome(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.ASCL_HOME) return path.resolve(env.ASCL_HOME);
  const home = os.homedir();
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), APP_FOLDER);
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', APP_FOLDER);
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), APP_FOLDER);
}
