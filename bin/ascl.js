#!/usr/bin/env node
// The installed `ascl` command: runs the built CLI when present (dist/), else the TypeScript
// sources through tsx's ESM API (tsx is a regular dependency).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const built = path.join(root, 'dist', 'src-main', 'cli', 'index.js');
// `ascl runs | head`: a closed pipe ends the output quietly.
process.stdout.on('error', (err) => { if (err.code === 'EPIPE') process.exit(0); throw err; });
let cli;
if (existsSync(built)) {
  cli = await import(pathToFileURL(built).href);
} else {
  const { tsImport } = await import('tsx/esm/api');
  cli = await tsImport(pathToFileURL(path.join(root, 'src-main', 'cli', 'index.ts')).href, import.meta.url);
}
process.exitCode = await cli.main(process.argv);
