/**
 * `ascl train`: validates the configuration, stores the run and trains it on a worker thread. With a broker
 * (--broker URL or ASCL_BROKER) the run is stored the same way but queued for the broker's workers (--queue),
 * dispatched by the coordinator serving that store (`ascl serve --broker`), and followed here until it ends.
 */
import path from 'node:path';
import { Command } from 'commander';
import { createAppService } from '../service/app-service.js';
import { resolveRunConfig } from '../service/presets.js';
import { dispatch } from '../api/dispatch.js';
import { UsageError, storeOptionsOf, parseRequest, readJsonFile } from './common.js';
import { addConfigFlags, configFromFlags } from './config-flags.js';
import { followRun } from './follow.js';
import { estimateFor, printEstimate } from './estimate.js';
import { brokerUrlFrom, checkBroker, parseBrokerUrl, type BrokerUrl } from '../queue/broker-url.js';

export function trainCommand(): Command {
  const cmd = new Command('train')
    .description('train one run (prints its id; a progress bar on a terminal, JSON lines otherwise)')
    .option('--config <file>', 'JSON file with run configuration fields (flags override it)')
    .option('--preset <name>', 'a named preset of the paper\'s tables (see `ascl presets`)')
    .option('--name <name>', 'a name for the run')
    .option('--group <group>', 'group label (runs of a group are averaged in the compare table)')
    .option('--db <file>', 'the store database (default: $ASCL_HOME/ascl.db or the application data folder)')
    .option('--json', 'JSON lines on stdout even on a terminal')
    .option('--broker <url>', 'queue the run for the workers of this broker (redis://[:password@]host:port[/db], or ASCL_BROKER) instead of training it here; ' +
      'the coordinator serving --db dispatches it')
    .option('--queue <name>', 'with a broker: the queue (the class of workers) the run goes to (default: default)')
    .option('--dry-run', 'check the configuration and print the time it would take per epoch and in total (from earlier runs, else a short calibration); store nothing');
  addConfigFlags(cmd);
  return cmd.action(async (opts: Record<string, unknown>) => {
    let base: Record<string, unknown> = {};
    if (typeof opts.config === 'string') {
      const raw = readJsonFile(opts.config, 'configuration file');
      if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new UsageError(`the configuration file ${opts.config} must hold a JSON object`);
      base = raw as Record<string, unknown>;
      // A data folder named in a configuration file is relative to that file.
      if (typeof base.dataDir === 'string') base = { ...base, dataDir: path.resolve(path.dirname(opts.config), base.dataDir) };
    }
    const flags = configFromFlags(opts);
    // Stored absolute, so the run can be resumed and evaluated from any working directory.
    if (typeof flags.dataDir === 'string') flags.dataDir = path.resolve(flags.dataDir);
    const overrides = { ...base, ...flags };
    const where = typeof opts.config === 'string' ? `ascl train (${opts.config} and flags)` : 'ascl train';
    // Validate before opening the store: bad input changes nothing. The request is the API's
    // runs:start, checked with its channel schema (names: length, no control characters).
    // A bad broker URL is refused before anything is stored (BrokerError: exit 2).
    const brokerText = brokerUrlFrom(typeof opts.broker === 'string' ? opts.broker : undefined);
    const broker: BrokerUrl | null = brokerText === null ? null : parseBrokerUrl(brokerText);
    if (opts.queue !== undefined && broker === null) throw new UsageError(`ascl train: --queue ${JSON.stringify(opts.queue)} needs a broker (--broker URL or ASCL_BROKER)`);
    const request = { name: opts.name, group: opts.group, preset: opts.preset, config: overrides, ...(typeof opts.queue === 'string' ? { queue: opts.queue } : {}) };
    const req = parseRequest('runs:start', request, 'ascl train');
    const config = await resolveRunConfig(req.preset, overrides, where);
    if (opts.dryRun === true) {
      printEstimate(await estimateFor(req, config, typeof opts.db === 'string' ? opts.db : undefined), opts.json === true);
      return;
    }
    // --gpu N on CUDA: libtensorflow reads the process's environment, which a worker thread's copy is not.
    if (config.gpu !== null && process.env.CUDA_VISIBLE_DEVICES === undefined && (config.backend === 'tensorflow' || config.backend === 'auto')) {
      process.env.CUDA_VISIBLE_DEVICES = String(config.gpu);
    }
    // A wrong password or no Redis there: said before the run is stored.
    if (broker) await checkBroker(broker);
    const service = await createAppService({ ...storeOptionsOf(opts), workers: 1, backend: config.backend, ...(broker ? { submitTo: broker } : {}) });
    try {
      const { id } = (await dispatch(service, 'runs:start', request)) as { id: string };
      process.exitCode = await followRun(service, id, { json: opts.json === true, verb: broker ? `queued (${broker.redacted}, queue ${String(opts.queue ?? 'default')}) and following` : 'training' });
    } finally {
      await service.close();
    }
  });
}
