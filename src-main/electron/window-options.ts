/**
 * The hardening of the desktop window (the security rules of the design), kept apart from Electron
 * so a test can read it: the BrowserWindow options, and the guards installed on its web contents
 * and session (no new windows, no navigation, no remote content, no permissions, no webviews).
 */
export interface HardenedWebPreferences {
  preload: string;
  contextIsolation: true;
  nodeIntegration: false;
  nodeIntegrationInWorker: false;
  nodeIntegrationInSubFrames: false;
  sandbox: true;
  webSecurity: true;
  allowRunningInsecureContent: false;
  webviewTag: false;
  experimentalFeatures: false;
  navigateOnDragDrop: false;
  safeDialogs: true;
  spellcheck: false;
}

export function windowOptions(preloadPath: string): {
  width: number; height: number; minWidth: number; minHeight: number; title: string; show: boolean; backgroundColor: string;
  webPreferences: HardenedWebPreferences;
} {
  return {
    width: 1440, height: 920, minWidth: 960, minHeight: 640, title: 'ASCL Studio', show: false, backgroundColor: '#f4f6f9',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      sandbox: true,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
    },
  };
}

/** Only the app's own files (and in-page data/blob URLs for exports) may load. */
export function isAllowedUrl(url: string, appRoot: string): boolean {
  if (url.startsWith('data:') || url.startsWith('blob:') || url.startsWith('devtools://')) return true;
  if (!url.startsWith('file://')) return false;
  const path = decodeURIComponent(new URL(url).pathname);
  return !path.split('/').includes('..') && path.startsWith(appRoot);
}

/** The parts of WebContents and Session the guards use (structural, so tests need no Electron). */
export interface GuardedContents {
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
  on(event: 'will-navigate' | 'will-redirect' | 'will-attach-webview', listener: (event: { preventDefault(): void }, url?: string) => void): void;
}
export interface GuardedSession {
  setPermissionRequestHandler(handler: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: () => boolean): void;
  webRequest: { onBeforeRequest(listener: (details: { url: string }, callback: (response: { cancel: boolean }) => void) => void): void };
}

/**
 * Installs the guards: window.open and target=_blank denied, navigation away from the loaded page
 * prevented, webviews refused, every permission denied, every request outside the app cancelled.
 */
export function hardenContents(contents: GuardedContents, session: GuardedSession, appRoot: string, log: (m: string) => void = () => {}): void {
  contents.setWindowOpenHandler(({ url }) => { log(`blocked window.open(${url})`); return { action: 'deny' }; });
  for (const ev of ['will-navigate', 'will-redirect'] as const) {
    contents.on(ev, (event, url) => { event.preventDefault(); log(`blocked ${ev} to ${url}`); });
  }
  contents.on('will-attach-webview', (event) => event.preventDefault());
  session.setPermissionRequestHandler((_c, permission, callback) => { log(`denied permission ${permission}`); callback(false); });
  session.setPermissionCheckHandler(() => false);
  session.webRequest.onBeforeRequest((details, callback) => {
    const ok = isAllowedUrl(details.url, appRoot);
    if (!ok) log(`blocked request to ${details.url}`);
    callback({ cancel: !ok });
  });
}
