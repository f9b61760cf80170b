/**
 * `ascl serve`: builds the UI when it is missing (here into an empty --ui-dir, one vite build), serves the
 * page and the API, stops cleanly on SIGTERM; uiState tells missing, stale and fresh builds apart.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../service/helpers.js';
import { runCli, startCli } from './cli-helpers.js';
import { RENDERER_INPUTS, uiState } from '../../src-main/cli/ui-build.js';

const dir = tempDir('ascl-serve-');
afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });

describe('ascl serve', () => {
  it('--port 0 --ui-dir EMPTY: builds the UI there, then prints the URL; GET / is the HTML page with its script; POST /api/app:info answers with the store; SIGTERM exits 0', async () => {
    const db = path.join(dir, 'serve.db');
    const uiDir = path.join(dir, 'ui');
    let url = '';
    const proc = startCli(['serve', '--port', '0', '--db', db, '--workers', '1', '--ui-dir', uiDir], () => {});
    const ready = new Promise<void>((resolve) => {
      proc.child.stdout!.on('data', (d: Buffer) => {
        const m = /served at (http:\/\/\S+)/.exec(d.toString());
        if (m) { url = m[1]; resolve(); }
      });
    });
    await ready;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(uiState(uiDir)).toEqual({ state: 'fresh' });
    const page = await fetch(url);
    expect([page.status, page.headers.get('content-type')]).toEqual([200, expect.stringMatching(/^text\/html/)]);
    const html = await page.text();
    expect(html).toMatch(/<script type="module"[^>]* src="\.\/assets\/[^"]+\.js"/);
    const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)![1];
    expect((await fetch(new URL(script, url))).status).toBe(200);
    const res = await fetch(new URL('/api/app:info', url), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(200);
    // Answers over HTTP show store paths relative to the app home (the store's folder), never absolute.
    expect(await res.json()).toMatchObject({ dbPath: '<app home>/serve.db', workers: 1 });
    const bad = await fetch(new URL('/api/runs:get', url), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"id":"../x"}' });
    expect(bad.status).toBe(400);
    proc.child.kill('SIGTERM');
    const r = await proc.exited;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/building the UI into .*ui \(not built yet/);
  }, 120_000);

  it('binding a non-loopback address without a token exits 2 with the reason', async () => {
    const r = await runCli(['serve', '--host', '0.0.0.0', '--port', '0', '--db', path.join(dir, 'x.db')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/needs an access token/);
    expect(r.stderr).not.toMatch(/building the UI/);
  });
});

describe('uiState (when ascl serve and npm start rebuild the UI)', () => {
  it('no index.html: missing; index.html older than src-renderer (mtime 2000-01-01): stale naming src-renderer; newer than every input (mtime now + 1 day): fresh', () => {
    const ui = path.join(dir, 'state');
    expect(uiState(ui)).toEqual({ state: 'missing' });
    fs.mkdirSync(ui, { recursive: true });
    const index = path.join(ui, 'index.html');
    fs.writeFileSync(index, '<!doctype html>');
    fs.utimesSync(index, new Date('2000-01-01'), new Date('2000-01-01'));
    expect(uiState(ui)).toEqual({ state: 'stale', newer: RENDERER_INPUTS[0] });
    expect(RENDERER_INPUTS[0]).toBe('src-renderer');
    const future = new Date(Date.now() + 86_400_000);
    fs.utimesSync(index, future, future);
    expect(uiState(ui)).toEqual({ state: 'fresh' });
  });
});
