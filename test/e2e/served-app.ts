/**
 * One served app per e2e test file: a temporary folder, the built renderer in it (ui/), a service
 * the file opens there (the demo service or the real application service), the HTTP server around
 * it and one Chromium page (browser.ts: openUi), all closed after the file. Without a Chromium the
 * hooks do nothing and the file's suites skip on NO_CHROMIUM (driver.test.ts reports it once).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { ApiService } from '../../src-main/shared/channels.js';
import { buildRenderer } from '../../src-main/launch.js';
import { openUi, type UiSession } from './browser.js';
import { e2eDriver } from './driver.js';

export const NO_CHROMIUM = e2eDriver().chromium === null;

/** A service the test file owns: closed after the browser and the server (sync for the demo, async for the app). */
export type OwnedService = ApiService & { close(): unknown };

/** The served app as the tests see it; its fields are set by the file's beforeAll. */
export interface ServedApp<S extends OwnedService> extends UiSession { dir: string; service: S }

/**
 * Registers the file's beforeAll/afterAll: mkdtemp(prefix), buildRenderer(dir/ui), open(dir) for the
 * service (it may first fill dir, e.g. with `ascl train`), then the server and the page.
 * timeoutMs: the beforeAll limit (undefined: vitest's hookTimeout).
 */
export function serveAppForTests<S extends OwnedService>(prefix: string, open: (dir: string) => Promise<S> | S, timeoutMs?: number): ServedApp<S> {
  // Filled in place by beforeAll, so the tests can hold the object from the start.
  const app = {} as ServedApp<S>;
  beforeAll(async () => {
    if (NO_CHROMIUM) return;
    app.dir = await mkdtemp(path.join(tmpdir(), prefix));
    const ui = path.join(app.dir, 'ui');
    await buildRenderer(ui);
    app.service = await open(app.dir);
    Object.assign(app, await openUi(app.service, ui));
  }, timeoutMs);
  afterAll(async () => {
    if (NO_CHROMIUM) return;
    await app.browser?.close();
    await app.server?.close();
    await app.service?.close();
    if (app.dir !== undefined) await rm(app.dir, { recursive: true, force: true });
  });
  return app;
}
