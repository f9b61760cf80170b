/** `ascl serve`: starts the HTTP transport around the service, answers the API, stops cleanly on SIGTERM. */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../service/helpers.js';
import { runCli, startCli } from './cli-helpers.js';

const dir = tempDir('ascl-serve-');
afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });

describe('ascl serve', () => {
  it('--port 0 prints the URL; POST /api/app:info answers with the store; SIGTERM exits 0', async () => {
    const db = path.join(dir, 'serve.db');
    let url = '';
    const proc = startCli(['serve', '--port', '0', '--db', db, '--workers', '1'], () => {});
    const ready = new Promise<void>((resolve) => {
      proc.child.stdout!.on('data', (d: Buffer) => {
        const m = /served at (http:\/\/\S+)/.exec(d.toString());
        if (m) { url = m[1]; resolve(); }
      });
    });
    await ready;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const res = await fetch(new URL('/api/app:info', url), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(200);
    // Answers over HTTP show store paths relative to the app home (the store's folder), never absolute.
    expect(await res.json()).toMatchObject({ dbPath: '<app home>/serve.db', workers: 1 });
    const bad = await fetch(new URL('/api/runs:get', url), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"id":"../x"}' });
    expect(bad.status).toBe(400);
    proc.child.kill('SIGTERM');
    const r = await proc.exited;
    expect(r.code, r.stderr).toBe(0);
  }, 60_000);

  it('binding a non-loopback address without a token exits 2 with the reason', async () => {
    const r = await runCli(['serve', '--host', '0.0.0.0', '--port', '0', '--db', path.join(dir, 'x.db')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/needs an access token/);
  });
});
