// ESLint (flat config), run by `npm test` through `npm run lint`: typescript-eslint's recommended rules
// (@eslint/js is not installed, so ESLint's own recommended set is not included),
// Svelte components, no import cycles, the layer boundaries below, no `.only` left in a test, and no
// synchronous tensor read in the engine outside the backend's kernels.
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import { importX, createNodeResolver } from 'eslint-plugin-import-x';
import globals from 'globals';

/** The source folders under src-main that the renderer (src-renderer) may import, relative to src-main. */
const RENDERER_ALLOWED_FROM_MAIN = ['./shared'];

/** The layers of src-main other than the shared contract layer (src-main/shared imports none of them). */
const LAYERS = ['engine', 'store', 'service', 'transport', 'electron', 'cli', 'api', 'common', 'queue'];

const zone = (target, from, message, except) => ({ target, from, message, ...(except ? { except } : {}) });

const boundaries = [
  ...['store', 'service', 'transport', 'electron', 'cli', 'api', 'queue'].map((layer) =>
    zone('./src-main/engine', `./src-main/${layer}`, `the engine imports no ${layer} (it knows nothing of storage, transports or the app)`)),
  zone('./src-main/store', './src-main/engine', 'the store knows nothing of TensorFlow: shared types (src-main/shared) instead of the engine'),
  ...LAYERS.map((layer) =>
    zone('./src-main/shared', `./src-main/${layer}`, `the shared contract layer imports nothing else of the project (here: ${layer})`)),
  ...['service', 'transport', 'electron', 'cli', 'queue'].map((layer) =>
    zone('./src-main/store', `./src-main/${layer}`, `the store imports no ${layer}`)),
  zone('./src-renderer', './src-main', 'the renderer imports only the shared contract layer (RENDERER_ALLOWED_FROM_MAIN)', RENDERER_ALLOWED_FROM_MAIN),
];

/** `it.only`, `describe.only`, `test.only` would silently skip the rest of a suite. */
const noOnly = ['it', 'describe', 'test', 'suite'].map((object) => ({ object, property: 'only', message: 'remove .only before committing' }));

/**
 * The engine reads tensors with `await data()` / `await array()`: a backend without synchronous reads
 * (webgpu in Node) throws on `dataSync` / `arraySync` / `bufferSync`. The kernels under
 * engine/backend/kernels run inside the wasm backend and read their inputs synchronously by design.
 * A read inside a gradient tape (tf.grad, tf.variableGrads, tf.customGrad run synchronously) cannot
 * await: each such site carries an eslint-disable comment with its reason, and
 * test/lint/boundaries.test.ts lists them (SYNC_READ_ALLOWED).
 */
const noSyncRead = ['dataSync', 'arraySync', 'bufferSync'].map((property) => ({
  property, message: `the engine reads tensors asynchronously: await t.${property === 'arraySync' ? 'array' : property === 'bufferSync' ? 'buffer' : 'data'}() (batched into one read per step or iteration)`,
}));

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'out/**', 'test-artifacts/**', 'src-main/engine/backend/kernels/assembly/**', '.ascl/**'] },
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { ...globals.node } },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({
        extensions: ['.ts', '.js', '.mjs', '.svelte', '.json'],
        extensionAlias: { '.js': ['.ts', '.js'] },
      })],
      'import-x/extensions': ['.ts', '.js', '.mjs', '.svelte'],
      // no-cycle parses the imported files: each with the parser of its own kind, not the importer's.
      // Components are not followed (their <script lang="ts"> would need the TS parser nested in the Svelte one);
      // their own imports are still checked when they are linted.
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.js', '.mjs'] },
      'import-x/ignore': ['\\.svelte$'],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': ['error', { zones: boundaries }],
      'no-restricted-properties': ['error', ...noOnly],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['src-main/engine/**/*.ts'],
    ignores: ['src-main/engine/backend/kernels/**'],
    rules: { 'no-restricted-properties': ['error', ...noOnly, ...noSyncRead] },
  },
  {
    files: ['src-renderer/**/*.{ts,svelte}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
  },
);
