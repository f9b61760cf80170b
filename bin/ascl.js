#!/usr/bin/env node
// The installed `ascl` command: runs the TypeScript sources of the CLI (src-main/cli/index.ts) through
// tsx's ESM API (tsx is a regular dependency); there is no separate compiled copy.
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// `ascl runs | head`: a closed pipe ends the output quietly.
process.stdout.on('error', (err) => { if (err.code === 'EPIPE') process.exit(0); throw err; });
const { tsImport } = await import('tsx/esm/api');
const cli = await tsImport(pathToFileURL(path.join(root, 'src-main', 'cli', 'index.ts')).href, import.meta.url);
process.exitCode = await cli.main(process.argv);
