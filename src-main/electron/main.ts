/**
 * Electron main process, kept thin: one hardened window on the built renderer, a menu, the
 * application service (training runs in its worker threads, never on this event loop) and the
 * IPC transport. Started by src-main/launch.ts through bootstrap.mjs (tsx) with the preload
 * bundled to dist/electron/preload.cjs.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolveDbPath } from '../store/paths.js';
import { createAppService } from '../service/app-service.js';
import { setupIpc, type IpcMainLike, type WebContentsLike } from '../transport/ipc.js';
import { installLastResort } from '../transport/last-resort.js';
import { startServer } from '../transport/http.js';
import { brokerFromEnv } from '../queue/broker-url.js';
import { menuTemplate } from './menu.js';
import { hardenContents, windowOptions, type GuardedContents, type GuardedSession } from './window-options.js';

/** The parts of Electron this file uses, typed here because the package is an optional dependency. */
interface Win { webContents: WebContentsLike & GuardedContents; loadFile(file: string): Promise<void>; once(e: 'ready-to-show', f: () => void): void; show(): void; isDestroyed(): boolean }
interface ElectronMain {
  app: { whenReady(): Promise<void>; on(e: string, f: () => void): void; quit(): void; getVersion(): string };
  BrowserWindow: { new (options: ReturnType<typeof windowOptions>): Win; getAllWindows(): Win[] };
  Menu: { buildFromTemplate(t: unknown[]): unknown; setApplicationMenu(m: unknown): void };
  ipcMain: IpcMainLike;
  session: { defaultSession: GuardedSession };
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RENDERER_DIR = `${ROOT}dist/renderer/`;
const PRELOAD = `${ROOT}dist/electron/preload.cjs`;

const moduleName = 'electron';
const electron = (await import(moduleName)) as ElectronMain & { default?: ElectronMain };
const { app, BrowserWindow, Menu, ipcMain, session } = electron.default ?? electron;

for (const [file, hint] of [[PRELOAD, 'the preload'], [`${RENDERER_DIR}index.html`, 'the renderer']] as const) {
  if (!existsSync(file)) throw new Error(`electron main: ${hint} is not built (${file}); start with npm start, which builds it`);
}

await app.whenReady();
// Distributed mode (issue 10): ASCL_BROKER makes this app the coordinator; the workers reach its worker API over
// HTTP (ASCL_COORDINATOR_HOST:ASCL_COORDINATOR_PORT, default 127.0.0.1:5317) with ASCL_TOKEN.
const broker = brokerFromEnv(process.env);
const service = await createAppService({ dbPath: resolveDbPath(process.env.ASCL_DB), ...(broker ? { broker } : {}) });
const workerServer = service.workerRoutes && broker
  ? await startServer(service, { host: process.env.ASCL_COORDINATOR_HOST ?? '127.0.0.1', port: Number(process.env.ASCL_COORDINATOR_PORT ?? 5317), token: broker.token,
    staticDir: RENDERER_DIR, appHomes: [], routes: [{ prefix: '/worker/', handle: service.workerRoutes }], requestTimeoutMs: 30 * 60_000 })
  : null;
if (workerServer) console.error(`ASCL Studio: coordinator for \`ascl worker\` processes at ${workerServer.url.replace(/\?token=.*$/, '')} (broker ${broker?.url.redacted})`);
const windows = (): Win[] => BrowserWindow.getAllWindows().filter((w) => !w.isDestroyed());
const teardownIpc = setupIpc(ipcMain, service, { appContents: () => windows().map((w) => w.webContents) });
const guard = installLastResort({
  name: 'ASCL Studio (Electron main)', log: (m) => console.error(m),
  shutdown: async () => { teardownIpc(); await workerServer?.close(); await service.close(); },
});

function openWindow(): void {
  const win = new BrowserWindow(windowOptions(PRELOAD));
  hardenContents(win.webContents, session.defaultSession, RENDERER_DIR, (m) => console.warn(`[security] ${m}`));
  win.once('ready-to-show', () => win.show());
  void win.loadFile(`${RENDERER_DIR}index.html`);
}

Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate({ newWindow: openWindow, platform: process.platform })));
openWindow();
app.on('activate', () => { if (windows().length === 0) openWindow(); });
app.on('window-all-closed', () => { if (process.platform !== 'darwin') app.quit(); });
app.on('will-quit', () => { teardownIpc(); guard.uninstall(); void workerServer?.close(); void service.close(); });
