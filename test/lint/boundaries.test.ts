/**
 * The lint rules of eslint.config.js fire: layer boundaries (import-x/no-restricted-paths), import cycles
 * (import-x/no-cycle), `.only` and the engine's synchronous tensor reads (no-restricted-properties), on
 * small sources linted as if they lived in the repository (lintText with a file path; the cycle case
 * writes two files, removed afterwards).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
    ['engine imports the queue (distributed mode)', 'src-main/engine/x.ts', true, "import { BULL_PREFIX } from '../queue/wire.js';\nexport const p = BULL_PREFIX;\n"],
    ['store imports the queue', 'src-main/store/x.ts', true, "import { BULL_PREFIX } from '../queue/wire.js';\nexport const p = BULL_PREFIX;\n"],
    ['shared imports the queue', 'src-main/shared/x.ts', true, "import { BULL_PREFIX } from '../queue/wire.js';\nexport const p = BULL_PREFIX;\n"],
    ['queue imports the store', 'src-main/queue/x.ts', false, "import { Store } from '../store/store.js';\nexport const s = Store;\n"],
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

/**
 * The engine's synchronous reads that remain, each inside a gradient tape (tfjs runs tf.grad,
 * tf.variableGrads and tf.customGrad synchronously, so no read there can await): file -> sites, reason.
 */
const SYNC_READ_ALLOWED: Record<string, { sites: number; reason: string }> = {
  'src-main/engine/selection/pairs.ts': { sites: 1, reason: 'selection masks from the argmax predictions of the forward pass inside tf.variableGrads' },
  'src-main/engine/objectives/supervised-contrastive.ts': { sites: 2, reason: 'l1 / linf distances: the forward and the gradient of a tf.customGrad' },
  'src-main/engine/attacks/losses.ts': { sites: 1, reason: "targeted DLR's rank masks from the logits inside tf.grad" },
};

function engineSources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) return rel === 'src-main/engine/backend/kernels' ? [] : engineSources(rel);
    return e.name.endsWith('.ts') ? [rel] : [];
  });
}

describe('eslint.config.js: the engine reads tensors asynchronously', () => {
  // Assembled, so this file holds no such call for a text search to find.
  const sync = (t: string, m: string): string => `${t}.${m}Sync()`;
  const code = `import { tf } from '../tf.js';\nconst t = tf.scalar(1);\nexport const a = ${sync('t', 'data')};\nexport const b = ${sync('t', 'array')};\nexport const c = ${sync('t', 'buffer')};\n`;

  it.each([
    ['src-main/engine/train/x.ts', 3],
    ['src-main/engine/x.ts', 3],
    ['src-main/engine/backend/kernels/x.ts', 0],
    ['test/x.test.ts', 0],
  ] as const)('dataSync / arraySync / bufferSync in %s: %i no-restricted-properties reports', async (file, n) => {
    const rules = await rulesFor(file, code);
    expect(rules.filter((r) => r.startsWith('fatal'))).toEqual([]);
    expect(rules.filter((r) => r === 'no-restricted-properties').length).toBe(n);
  });

  it('.only is still an error in an engine file (the engine block keeps the rule\'s .only entries)', async () => {
    const rules = await rulesFor('src-main/engine/x.ts', `import { it } from 'vitest';\n${'it'}.${'only'}('a', () => {});\n`);
    expect(rules).toContain('no-restricted-properties');
  });

  it('the only disabled sync reads of src-main/engine (kernels aside) are the in-tape sites of SYNC_READ_ALLOWED, each with a reason', () => {
    const found: Record<string, number> = {};
    for (const file of engineSources('src-main/engine')) {
      const lines = readFileSync(path.join(ROOT, file), 'utf8').split('\n');
      lines.forEach((line, i) => {
        if (!/eslint-disable.*no-restricted-properties/.test(line)) return;
        expect(line, `${file}:${i + 1} gives no reason`).toMatch(/no-restricted-properties -- in-tape: \S/);
        expect(lines[i + 1], `${file}:${i + 2}`).toMatch(/\.(data|array)Sync\(/);
        found[file] = (found[file] ?? 0) + 1;
      });
    }
    expect(found).toEqual(Object.fromEntries(Object.entries(SYNC_READ_ALLOWED).map(([f, v]) => [f, v.sites])));
  });
});
