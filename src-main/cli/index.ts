/**
 * The `ascl` command line: `npm run -s ascl -- <command>` from the repository, or the installed
 * `ascl` bin (bin/ascl.js). Exit codes: 0 ok, 1 the work failed, 2 bad usage or input.
 */
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import { EXIT, exitCodeFor } from './common.js';
import { analyzeCommand } from './analyze.js';
import { doctorCommand } from './doctor.js';
import { evalCommand } from './eval.js';
import { exportCommand } from './export.js';
import { presetsCommand } from './presets.js';
import { quickstartCommand } from './quickstart.js';
import { resumeCommand } from './resume.js';
import { runsCommand, showCommand } from './runs.js';
import { serveCommand } from './serve.js';
import { studyCommand } from './study.js';
import { trainCommand } from './train.js';
import { workerCommand } from './worker.js';
import { workersCommand } from './workers.js';

const VERSION = (JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export function buildProgram(): Command {
  const program = new Command('ascl')
    .description('ASCL Studio: train, evaluate and compare adversarially robust models (Adversarial Supervised Contrastive Learning)')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)');
  for (const c of [trainCommand(), presetsCommand(), runsCommand(), showCommand(), exportCommand(), resumeCommand(),
    doctorCommand(), evalCommand(), analyzeCommand(), serveCommand(),
    studyCommand(),
    // Distributed mode (issue 10): a worker process, and the workers that reported to this store's coordinator.
    workerCommand(), workersCommand(),
    // Training health and first steps.
    quickstartCommand()]) {
    program.addCommand(c);
  }
  // Throw instead of exiting, everywhere, so exit codes are ours (2 for usage errors).
  const override = (c: Command): void => { c.exitOverride(); c.commands.forEach(override); };
  override(program);
  return program;
}

export async function main(argv: string[] = process.argv): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander has printed its message already.
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help' ? EXIT.ok : EXIT.usage;
    }
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`${message.startsWith('ascl') ? '' : 'ascl: '}${message}\n`);
    return exitCodeFor(err);
  }
}

const invokedDirectly = process.argv[1] !== undefined && fs.existsSync(process.argv[1]) &&
  import.meta.url === pathToFileURL(fs.realpathSync(process.argv[1])).href;
if (invokedDirectly) {
  // `ascl runs | head`: a closed pipe ends the output quietly.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => { if (err.code === 'EPIPE') process.exit(0); throw err; });
  void main().then((code) => { process.exitCode = code; });
}
