/**
 * What drives the end-to-end suites: the real desktop app through playwright-core's Electron support
 * where the optional `electron` package and its binary are installed (desktop.test.ts), and a Chromium on
 * the served UI (ui.test.ts, real-training.test.ts): CHROME_PATH, else Debian's /usr/bin/chromium.
 * Where neither exists, every e2e suite is skipped and driver.test.ts fails once with `problem`.
 */
import { existsSync } from 'node:fs';
import { electronBinary } from '../../src-main/launch.js';

export const DEBIAN_CHROMIUM = '/usr/bin/chromium';

export interface E2eDriver {
  /** The Electron binary, or null (package or binary missing). */
  electron: string | null;
  /** A Chromium executable, or null. */
  chromium: string | null;
  /** Why no e2e suite can run (both missing, or CHROME_PATH names no file); null when one can. */
  problem: string | null;
}

const FIXES = 'install Electron to drive the desktop app (npm install, with the optional dependency electron and its binary download), ' +
  `or a Chromium for the served UI: set CHROME_PATH=/path/to/chrome, or install Debian's chromium at ${DEBIAN_CHROMIUM} (apt-get install chromium, as .ci/run does)`;

export function e2eDriver(env: NodeJS.ProcessEnv = process.env): E2eDriver {
  const electron = electronBinary();
  const named = env.CHROME_PATH ?? env.CHROMIUM_PATH;
  if (named !== undefined && named !== '' && !existsSync(named)) {
    return { electron, chromium: null, problem: `e2e: CHROME_PATH=${JSON.stringify(named)} names no file; fix it or unset it (${FIXES})` };
  }
  const chromium = named ? named : existsSync(DEBIAN_CHROMIUM) ? DEBIAN_CHROMIUM : null;
  const problem = electron === null && chromium === null ? `e2e: no Electron and no Chromium found; ${FIXES}` : null;
  return { electron, chromium, problem };
}
