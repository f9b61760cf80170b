/**
 * The lint rules of eslint.config.js fire: layer boundaries (import-x/no-restricted-paths), import cycles
 * (import-x/no-cycle) and `.only` (no-restricted-properties), on small sources linted as if they lived in
 * the repository (lintText with a file path; the cycle case writes two files, removed afterwards).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: ROOT });
const scratch = path.join(ROOT, 'src-main', 'engine', `lint-scratch-${process.pid}`);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Rule ids reported for `code` linted as the repository file `file`. */
async function rulesFor(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return result.messages.map((m) => m.ruleId ?? `fatal: ${m.message}`);
}

const BOUNDARY = 'import-x/no-restricted-paths';

describe('eslint.config.js boundaries', () => {
  const cases: Array<[string, string, boolean, string]> = [
    ['engine imports the store', 'src-main/engine/x.ts', true, "import { Store } from '../store/index.js';\nexport const s = Store;\n"],
    ['engine imports the service', 'src-main/engine/train/x.ts', true, "import type { AppService } from '../../service/app-service.js';\nexport type S = AppService;\n"],
    ['engine imports the API dispatch', 'src-main/engine/x.ts', true, "import { dispatch } from '../api/dispatch.js';\nexport const d = dispatch;\n"],
    ['engine imports the shared run configuration', 'src-main/engine/x.ts', false, "import { BACKENDS } from '../../src-main/shared/options.js';\nexport const b = BACKENDS;\n"],
    ['store imports the engine trainer', 'src-main/store/x.ts', true, "import { trainRun } from '../engine/train/index.js';\nexport const t = trainRun;\n"],
    ['store imports the shared run configuration', 'src-main/store/x.ts', false, "import { parseRunConfig } from '../../src-main/shared/run-config.js';\nexport const p = parseRunConfig;\n"],
    ['store imports the engine data loaders', 'src-main/store/x.ts', true, "import { loadDataset } from '../engine/data/index.js';\nexport const l = loadDataset;\n"],
    ['shared imports the engine', 'src-main/shared/x.ts', true, "import { tf } from '../engine/tf.js';\nexport const t = tf;\n"],
    ['shared imports the API dispatch', 'src-main/shared/x.ts', true, "import { dispatch } from '../api/dispatch.js';\nexport const d = dispatch;\n"],
    ['renderer imports the API dispatch', 'src-renderer/src/x.ts', true, "import { dispatch } from '../../src-main/api/dispatch.js';\nexport const d = dispatch;\n"],
    ['store imports the transport', 'src-main/store/x.ts', true, "import { startServer } from '../transport/http.js';\nexport const s = startServer;\n"],
    ['renderer imports the service', 'src-renderer/src/x.ts', true, "import type { AppService } from '../../src-main/service/app-service.js';\nexport type S = AppService;\n"],
    ['renderer imports the engine models', 'src-renderer/src/x.ts', true, "import { createModel } from '../../src-main/engine/models/index.js';\nexport const m = createModel;\n"],
    ['renderer imports the shared bridge contract', 'src-renderer/src/x.ts', false, "import { BRIDGE_KEY } from '../../src-main/shared/bridge.js';\nexport const k = BRIDGE_KEY;\n"],
  ];
  it.each(cases)('%s (%s): reported = %s', async (_what, file, reported, code) => {
    const rules = await rulesFor(file, code);
    expect(rules.filter((r) => r.startsWith('fatal'))).toEqual([]);
    expect(rules.includes(BOUNDARY)).toBe(reported);
  });
});

describe('eslint.config.js cycles and .only', () => {
  it('a.ts <-> b.ts: import-x/no-cycle reports the import in a.ts; the repository itself has no cycle through src-main/transport/ipc.ts', async () => {
    mkdirSync(scratch, { recursive: true });
    writeFileSync(path.join(scratch, 'a.ts'), "import { b } from './b.js';\nexport const a = (): number => b() + 1;\n");
    writeFileSync(path.join(scratch, 'b.ts'), "import { a } from './a.js';\nexport const b = (): number => (a.length > 9 ? 1 : 0);\n");
    const [result] = await eslint.lintFiles([path.join(scratch, 'a.ts')]);
    expect(result.messages.map((m) => m.ruleId)).toContain('import-x/no-cycle');
    const [ipc] = await eslint.lintFiles([path.join(ROOT, 'src-main/transport/ipc.ts')]);
    expect(ipc.messages.filter((m) => m.ruleId === 'import-x/no-cycle')).toEqual([]);
  });

  it('it.only / describe.only / test.only are errors; it.skipIf is not', async () => {
    // Assembled, so this file itself holds no focused test for a text search to find.
    const only = (fn: string): string => `${fn}.${'only'}`;
    const code = `import { describe, it, test } from 'vitest';\n${only('describe')}('d', () => { ${only('it')}('a', () => {}); ${only('test')}('b', () => {}); it.skipIf(true)('c', () => {}); });\n`;
    const rules = await rulesFor('test/x.test.ts', code);
    expect(rules.filter((r) => r === 'no-restricted-properties').length).toBe(3);
  });
});
