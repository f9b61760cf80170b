/**
 * electron-builder configuration (`npx electron-builder --config electron.config.ts`, after
 * `npm run build:renderer` and the preload bundle that `npm start` makes: dist/renderer, dist/electron): Linux AppImage and
 * deb, macOS dmg, Windows nsis. Native modules are unpacked from the asar archive because
 * .node binaries cannot be loaded from inside it; the main process runs from sources via tsx.
 */
const config = {
  appId: 'org.ascl-studio.app',
  productName: 'ASCL Studio',
  // resources/: the icon, the quick-start data manifest and the licences of bundled data (resources/README.md).
  directories: { output: 'out', buildResources: 'resources' },
  extraMetadata: { main: 'src-main/electron/bootstrap.mjs' },
  files: [
    'package.json',
    'src-main/**/*',
    '!src-main/engine/backend/kernels/assembly/**',
    'dist/renderer/**/*',
    'dist/electron/**/*',
    'resources/**/*',
    'node_modules/**/*',
  ],
  asar: true,
  asarUnpack: [
    'node_modules/better-sqlite3/**',
    'node_modules/@tensorflow/tfjs-node/**',
    'node_modules/@tensorflow/tfjs-node-gpu/**',
    'node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm',
    '**/*.node',
  ],
  npmRebuild: true,
  linux: { target: ['AppImage', 'deb'], category: 'Science', icon: 'resources/icon.png' },
  deb: { depends: ['libnss3', 'libgtk-3-0'] },
  mac: { target: ['dmg'], category: 'public.app-category.education', icon: 'resources/icon.png', hardenedRuntime: true },
  dmg: { sign: false },
  win: { target: ['nsis'], icon: 'resources/icon.png' },
  nsis: { oneClick: false, allowToChangeInstallationDirectory: true },
} as const;

export default config;
