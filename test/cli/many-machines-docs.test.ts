/**
 * The commands README "Many machines" and the Workers page (shared/workers-view.ts DISTRIBUTED_COMMANDS) tell a
 * user to type use only flags that `ascl serve`, `ascl worker` and `ascl workers` accept: a renamed flag fails here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src-main/cli/index.js';
import { DISTRIBUTED_COMMANDS } from '../../src-main/shared/workers-view.js';

const README = fs.readFileSync(path.join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
const section = README.slice(README.indexOf('## Many machines'), README.indexOf('## Benchmarks and studies'));
const flagsOf = (name: string): Set<string> => new Set(buildProgram().commands.find((c) => c.name() === name)!.options.map((o) => o.long!));

/** Every `ascl <cmd> ...` command line of a text (continued lines joined), as [command, flags]. */
function asclLines(text: string): Array<[string, string[]]> {
  return text.replace(/\\\n\s*/g, ' ').split('\n').flatMap((line) => [...line.matchAll(/\bascl (serve|worker|workers)\b([^`#\n]*)/g)])
    .map((m) => [m[1], [...m[2].matchAll(/(?:^|\s)(--[a-z-]+)/g)].map((f) => f[1])]);
}

describe('README "Many machines" and the Workers page commands', () => {
  it('the section exists with the coordinator, the worker and the workers commands', () => {
    const commands = asclLines(section).map(([c]) => c);
    expect(commands).toEqual(expect.arrayContaining(['serve', 'worker', 'workers']));
  });

  it.each(['README', 'Workers page'] as const)('every flag of every ascl command in the %s is one the command accepts', (where) => {
    const lines = asclLines(where === 'README' ? section : DISTRIBUTED_COMMANDS.map((c) => c.command).join('\n'));
    expect(lines.length).toBeGreaterThanOrEqual(where === 'README' ? 3 : 2);
    for (const [command, flags] of lines) {
      const known = flagsOf(command);
      for (const f of flags) expect(known.has(f) ? f : `${f} (not a flag of ascl ${command})`).toBe(f);
    }
  });
});
