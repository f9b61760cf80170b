/**
 * The CLI validates as the API does: numbers are decimal only (`0x10`, ` 2 `, `1_000`, `Infinity`
 * refused, naming the flag and the value), and run and group names go through the runs:start
 * channel schema (no control characters, at most 200 characters). Every refusal exits 2 and
 * creates no store; the message never echoes a raw control character.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fakeService, tempDir, SMALL } from '../service/helpers.js';
import { runCli } from './cli-helpers.js';

const dir = tempDir('ascl-cli-input-');
const fresh = path.join(dir, 'never-created.db');
afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });

const ESC = '\u001b';
/** [title, args, stderr pattern] */
const REFUSED: Array<[string, string[], RegExp]> = [
  ['--epochs 0x10 (hex)', ['train', '--db', fresh, '--epochs', '0x10'], /--epochs must be a decimal number \(an integer\) \(got "0x10"\)/],
  ['--epochs " 2 " (spaces)', ['train', '--db', fresh, '--epochs', ' 2 '], /--epochs must be a decimal number \(an integer\) \(got " 2 "\)/],
  ['--epochs 0b11 (binary)', ['train', '--db', fresh, '--epochs', '0b11'], /--epochs must be a decimal number.*\(got "0b11"\)/],
  ['--epochs 1_000 (separator)', ['train', '--db', fresh, '--epochs', '1_000'], /--epochs must be a decimal number.*\(got "1_000"\)/],
  ['--learning-rate Infinity', ['train', '--db', fresh, '--learning-rate', 'Infinity'], /--learning-rate must be a decimal number or a fraction like 8\/255 \(got "Infinity"\)/],
  ['--eps " 8/255" (space before a fraction)', ['train', '--db', fresh, '--eps', ' 8/255'], /--eps must be a decimal number.*\(got " 8\/255"\)/],
  ['--lr-milestones 0x10,20 (hex in a list)', ['train', '--db', fresh, '--lr-milestones', '0x10,20'], /--lr-milestones must be a comma-separated list of decimal numbers \(got "0x10,20"\)/],
  ['serve --port 0x10', ['serve', '--db', fresh, '--port', '0x10'], /--port must be a decimal integer >= 0 \(got "0x10"\)/],
  ['serve --workers " 2 "', ['serve', '--db', fresh, '--workers', ' 2 '], /--workers must be a decimal integer >= 1 \(got " 2 "\)/],
  ['eval --n 1e3 (not an integer literal)', ['eval', '--db', fresh, '--run', 'x', '--attack', 'pgd', '--n', '1e3'], /--n must be a decimal integer >= 1 \(got "1e3"\)/],
  ['eval --eps 0x1', ['eval', '--db', fresh, '--run', 'x', '--attack', 'pgd', '--eps', '0x1'], /--eps must be a number >= 0 or a fraction like 8\/255 \(got "0x1"\)/],
  ['train --name with a terminal escape', ['train', '--db', fresh, '--name', `${ESC}[31mred${ESC}[0m`], /ascl train: name: a name must not contain control characters.*\(got "\\u001b\[31mred\\u001b\[0m"\)/],
  ['train --name of 10,000 characters', ['train', '--db', fresh, '--name', 'n'.repeat(10_000)], /ascl train: name: a name has at most 200 characters \(got "n{199}\.\.\. \(10002 characters\)\)/],
  ['train --group with a newline', ['train', '--db', fresh, '--group', 'a\nb'], /ascl train: group: a name must not contain control characters/],
  ['train --name with a tab', ['train', '--db', fresh, '--name', 'a\tb'], /ascl train: name: a name must not contain control characters/],
  ['eval --run with a path', ['eval', '--db', fresh, '--run', '../x', '--attack', 'pgd'], /ascl eval --run: id: a run id has letters, digits, - and _ only \(got "\.\.\/x"\)/],
  ['analyze --run with an escape', ['analyze', '--db', fresh, '--run', `${ESC}x`, '--tsne'], /ascl analyze --run: id: a run id has letters/],
];

describe(`ascl input validation (${REFUSED.length} inputs): exit 2, message naming flag and value, no store`, () => {
  it.concurrent.each(REFUSED)('%s', async (_t, args, pattern) => {
    const r = await runCli(args);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toMatch(pattern);
    expect(r.stderr).not.toContain(ESC);
    expect(r.stderr.length).toBeLessThan(2000);
    expect(fs.existsSync(fresh)).toBe(false);
  });
});

describe('ascl show of a name stored raw before names were checked', () => {
  it('a stored name "\\u001b[31mred" is printed as the escape text, never as a raw ESC', async () => {
    const db = path.join(dir, 'old.db');
    const s = await fakeService(db, { workers: 1 });
    // The handler itself, as the service was called before validation existed (dispatch would refuse it).
    const { id } = await s['runs:start']({ name: `${ESC}[31mred`, config: { ...SMALL, epochs: 1 } });
    await s.waitForRun(id);
    await s.close();
    const r = await runCli(['show', id, '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`run ${id} (\\u001b[31mred) completed`);
    expect(r.stdout).not.toContain(ESC);
  });
});
