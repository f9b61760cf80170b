/** `ascl presets`: the named configurations of the paper's tables. */
import { Command } from 'commander';
import { listPresets } from '../service/presets.js';
import { jsonLine } from './common.js';

export function presetsCommand(): Command {
  return new Command('presets')
    .description('list the presets (usable as `ascl train --preset NAME`)')
    .option('--json', 'print a JSON array')
    .action(async (opts: { json?: boolean }) => {
      const presets = await listPresets();
      if (opts.json) { jsonLine(presets); return; }
      const width = Math.max(...presets.map((p) => p.name.length), 4);
      for (const p of presets) process.stdout.write(`${p.name.padEnd(width)}  ${p.description}\n`);
    });
}
