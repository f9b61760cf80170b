import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hardenContents, isAllowedUrl, windowOptions, type GuardedContents, type GuardedSession } from '../../src-main/electron/window-options.js';

describe('Electron window hardening (the options main.ts passes to BrowserWindow)', () => {
  const prefs = windowOptions('/app/dist/electron/preload.cjs').webPreferences;

  it.each([
    ['contextIsolation', true], ['nodeIntegration', false], ['nodeIntegrationInWorker', false], ['nodeIntegrationInSubFrames', false],
    ['sandbox', true], ['webSecurity', true], ['allowRunningInsecureContent', false], ['webviewTag', false], ['experimentalFeatures', false],
  ] as const)('webPreferences.%s is %s', (key, value) => {
    expect(prefs[key]).toBe(value);
  });

  it('main.ts creates its windows from windowOptions and installs hardenContents on each', () => {
    const main = readFileSync(new URL('../../src-main/electron/main.ts', import.meta.url), 'utf8');
    expect(main).toMatch(/new BrowserWindow\(windowOptions\(PRELOAD\)\)/);
    expect(main).toMatch(/hardenContents\(win\.webContents/);
    expect(main).not.toMatch(/nodeIntegration|contextIsolation: false|sandbox: false|webSecurity: false/);
  });

  it('the renderer page carries a CSP without unsafe-inline or unsafe-eval', () => {
    const html = readFileSync(new URL('../../src-renderer/index.html', import.meta.url), 'utf8');
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/script-src 'self'/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
  });
});

describe('hardenContents', () => {
  const listeners = new Map<string, (event: { preventDefault(): void }, url?: string) => void>();
  let openHandler: ((d: { url: string }) => { action: 'deny' }) | null = null;
  let permission: Parameters<GuardedSession['setPermissionRequestHandler']>[0] | null = null;
  let request: ((d: { url: string }, cb: (r: { cancel: boolean }) => void) => void) | null = null;
  const contents: GuardedContents = { setWindowOpenHandler: (h) => { openHandler = h; }, on: (e, l) => { listeners.set(e, l); } };
  const session: GuardedSession = {
    setPermissionRequestHandler: (h) => { permission = h; }, setPermissionCheckHandler: () => {},
    webRequest: { onBeforeRequest: (l) => { request = l; } },
  };
  hardenContents(contents, session, '/app/dist/renderer/');

  it('window.open("https://evil.example") is denied', () => {
    expect(openHandler!({ url: 'https://evil.example' })).toEqual({ action: 'deny' });
  });

  it.each(['will-navigate', 'will-redirect', 'will-attach-webview'])('%s is prevented', (ev) => {
    let prevented = false;
    listeners.get(ev)!({ preventDefault: () => { prevented = true; } }, 'https://evil.example');
    expect(prevented).toBe(true);
  });

  it('permission requests (camera) are denied', () => {
    let granted: boolean | null = null;
    permission!(null, 'media', (g) => { granted = g; });
    expect(granted).toBe(false);
  });

  it.each([
    ['https://cdn.example/x.js', true], ['http://127.0.0.1:8080/', true], ['file:///etc/passwd', true],
    ['file:///app/dist/renderer/../../secret', true], ['file:///app/dist/renderer/assets/index.js', false], ['data:image/png;base64,AA', false],
  ])('request to %s cancelled: %s', (url, cancel) => {
    let got: boolean | null = null;
    request!({ url }, (r) => { got = r.cancel; });
    expect(got).toBe(cancel);
    expect(isAllowedUrl(url, '/app/dist/renderer/')).toBe(!cancel);
  });
});
