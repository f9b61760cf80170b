/**
 * `npm start`: builds the renderer when missing or stale (cli/ui-build.ts), then launches the Electron app when the optional `electron`
 * package and its binary are installed; otherwise says so and starts the served UI (`ascl serve`)
 * on loopback, which prints the URL to open. Extra arguments go to `ascl serve`.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { DEFAULT_UI_DIR, ensureUi } from './cli/ui-build.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const require = createRequire(import.meta.url);

/** The Electron binary's path, or null (package missing, or its binary download failed). */
export function electronBinary(): string | null {
  try {
    const p: unknown = require('electron');
    return typeof p === 'string' && existsSync(p) ? p : null;
  } catch {
    return null;
  }
}

export { buildRenderer } from './cli/ui-build.js';

/** The sandboxed preload can only `require('electron')`: bundle everything else into one CJS file. */
export async function buildPreload(): Promise<string> {
  const esbuild = await import('esbuild');
  const outfile = `${ROOT}dist/electron/preload.cjs`;
  await esbuild.build({
    entryPoints: [`${ROOT}src-main/electron/preload.ts`], outfile, bundle: true, format: 'cjs', platform: 'browser',
    target: 'chrome120', external: ['electron'], minify: true, logLevel: 'warning',
  });
  return outfile;
}

function run(cmd: string, args: string[]): Promise<number> {
  const child = spawn(cmd, args, { stdio: 'inherit', cwd: ROOT });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => child.kill(sig));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function main(): Promise<number> {
  await ensureUi(DEFAULT_UI_DIR, (line) => console.log(line));
  const binary = electronBinary();
  if (binary) {
    await buildPreload();
    return run(binary, [`${ROOT}src-main/electron/bootstrap.mjs`]);
  }
  console.log('Electron is not installed (it is an optional dependency and its download may have failed);');
  console.log('starting the served UI instead: open the URL printed below in a browser.');
  return run(process.execPath, ['--import', 'tsx', `${ROOT}src-main/cli/index.ts`, 'serve', ...process.argv.slice(2)]);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().then((code) => process.exit(code), (err: unknown) => {
    console.error(`npm start: ${(err as Error).message}`);
    process.exit(1);
  });
}
