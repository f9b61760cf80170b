/**
 * The one test that fails when no end-to-end suite can run (no Electron, no Chromium): the message names
 * both fixes, instead of one failure per e2e test. Where a driver exists it checks that it is a file.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { e2eDriver } from './driver.js';

describe('end-to-end driver (Electron for the desktop app, Chromium for the served UI)', () => {
  it('Electron or a Chromium (CHROME_PATH, /usr/bin/chromium) is installed', () => {
    const d = e2eDriver();
    if (d.problem !== null) throw new Error(d.problem);
    for (const p of [d.electron, d.chromium]) if (p !== null) expect(existsSync(p), p).toBe(true);
  });

  it('with CHROME_PATH naming a missing file and no Electron, the problem names CHROME_PATH, Electron and Debian chromium', () => {
    const d = e2eDriver({ CHROME_PATH: '/nonexistent/chrome' });
    if (d.electron !== null) return; // Electron installed: the desktop suite runs whatever CHROME_PATH says
    expect(d.problem).toMatch(/CHROME_PATH="\/nonexistent\/chrome" names no file/);
    expect(d.problem).toMatch(/install Electron/);
    expect(d.problem).toMatch(/apt-get install chromium/);
  });
});
