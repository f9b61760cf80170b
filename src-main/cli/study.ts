/**
 * `ascl study run FILE`, `ascl study status STUDY`, `ascl study report STUDY`: a study (shared/study.ts)
 * made, followed and reported. STUDY is a stored study's name or a study file. `run` creates what the
 * store lacks and skips what it has (interrupt it anywhere, run it again); Ctrl-C cancels the runs in
 * progress, which the next `run` resumes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import { BACKENDS, type BackendChoice } from '../shared/options.js';
import { parseStudy, StudyError, type Study } from '../shared/study.js';
import { createAppService } from '../service/app-service.js';
import { runStudy, type StudyEvent } from '../service/study/runner.js';
import { studyStatus } from '../service/study/status.js';
import { studyReport } from '../service/study/report.js';
import { reportCsv, reportMarkdown } from '../service/study/render.js';
import { epsSvg, selectionSvg, tableSvg } from '../service/study/render-svg.js';
import { Store } from '../store/store.js';
import { brokerUrlFrom, checkBroker, parseBrokerUrl } from '../queue/broker-url.js';
import { chromiumPath, svgToPng } from './svg-png.js';
import { EXIT, UsageError, existingDbPath, formatDuration, intFlag, jsonLine, readJsonFile, storeOptionsOf } from './common.js';

/** A study file: JSON, validated; a dataDir override is relative to the file. */
export function readStudyFile(file: string, dataDir?: string): Study {
  const raw = readJsonFile(file, 'study file');
  let study: Study;
  try { study = parseStudy(raw, `study file ${file}`); } catch (err) {
    if (err instanceof StudyError) throw new UsageError(err.message);
    throw err;
  }
  const o = { ...study.runs.overrides } as Record<string, unknown>;
  if (dataDir !== undefined) o.dataDir = path.resolve(dataDir);
  else if (typeof o.dataDir === 'string') o.dataDir = path.resolve(path.dirname(file), o.dataDir);
  return { ...study, runs: { ...study.runs, overrides: o } };
}

/** STUDY: a file (read as `run` would, with the data folder) or the name of a stored study. */
function resolveStudy(store: Store, arg: string, dataDir?: string): Study {
  if (arg.endsWith('.json') || fs.existsSync(arg)) {
    const name = readStudyFile(arg).name;
    // The file as it is now, with the data folder `run` was given (stored with the study) unless --data-dir names one.
    const stored = store.getStudy(name)?.study?.runs.overrides.dataDir;
    return readStudyFile(arg, dataDir ?? (typeof stored === 'string' ? stored : undefined));
  }
  const s = store.getStudy(arg);
  if (!s) throw new UsageError(`ascl study: no study ${JSON.stringify(arg)} in ${store.dbPath} (stored: ${store.listStudies().map((x) => x.name).join(', ') || 'none'}); \`ascl study run FILE\` stores it`);
  if (!s.study) throw new UsageError(`ascl study: ${s.damage}`);
  return s.study;
}

interface RunFlags { db?: string; workers: number; backend: BackendChoice; dataDir?: string; broker?: string; json?: boolean }

function runCommand(): Command {
  return new Command('run').argument('<file>', 'the study file (JSON)')
    .description('make what the store lacks of a study (runs by configuration, evaluations by protocol) and skip what it has')
    .option('--db <file>', 'the store database')
    .option('--workers <n>', 'runs trained at once (one worker thread each); evaluations run one at a time beside them', intFlag('--workers'), 1)
    .addOption(new Option('--backend <backend>', 'compute backend of the evaluations').choices(BACKENDS).default('auto'))
    .option('--data-dir <dir>', 'the dataset folder, put into every run\'s configuration (or set ASCL_DATA_DIR)')
    .option('--broker <url>', 'queue the runs for the workers of this broker (or ASCL_BROKER); the coordinator serving --db dispatches them, ' +
      'evaluations run here on the checkpoints it stores')
    .option('--json', 'JSON lines on stdout')
    .action(async (file: string, o: RunFlags) => {
      // A bad broker URL, a wrong password or no Redis there: exit 2 before anything is stored.
      const brokerText = brokerUrlFrom(o.broker);
      const broker = brokerText === null ? null : parseBrokerUrl(brokerText);
      if (broker) await checkBroker(broker);
      const study = readStudyFile(file, o.dataDir ?? (process.env.ASCL_DATA_DIR || undefined));
      const keep = study.report.summary.kind === 'last' ? 2 : 100_000;
      const service = await createAppService({ ...storeOptionsOf(o), workers: o.workers, backend: o.backend, keepCheckpoints: keep, log: () => {},
        ...(broker ? { submitTo: broker } : {}) });
      let stopping = false;
      // Closed once: by the signal's path or by the normal end, whichever comes first.
      let closing: Promise<void> | null = null;
      const closeService = (): Promise<void> => (closing ??= service.close());
      const onSignal = (): void => {
        if (stopping) return;
        stopping = true;
        process.stderr.write('\nascl study run: stopping; the runs in progress are cancelled and resume on the next `ascl study run`; ' +
          'an evaluation in progress is dropped (nothing of it is stored) and made again then\n');
        void (async () => {
          for (const r of service.store.listRuns()) {
            if ((r.status !== 'running' && r.status !== 'queued') || r.ownerPid !== process.pid) continue;
            await service['runs:cancel']({ id: r.id }).catch((err: unknown) => process.stderr.write(`ascl study run: cancel ${r.id}: ${(err as Error).message}\n`));
          }
          // Not waiting for an evaluation in flight (AutoAttack can take many minutes): the store holds only finished ones.
          await closeService();
          process.exit(EXIT.interrupted);
        })();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      try {
        const r = await runStudy(service, study, { backend: o.backend, shouldStop: () => stopping, onEvent: (e) => {
          if (o.json) jsonLine(e);
          else process.stdout.write(`${describeEvent(e)}\n`);
        } });
        process.exitCode = stopping ? EXIT.interrupted : r.ok ? EXIT.ok : EXIT.failed;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        await closeService();
      }
    });
}

function describeEvent(e: StudyEvent): string {
  switch (e.event) {
    case 'plan': return `study ${e.study}: ${e.runsDone}/${e.runs} runs and ${e.evaluationsDone}/${e.evaluations} evaluations already stored`;
    case 'run': return `${e.action} run ${e.runId} (${e.group}, seed ${e.seed}; was ${e.status})`;
    case 'run-end': return `run ${e.runId} (${e.group}, seed ${e.seed}) ${e.status}`;
    case 'eval': return e.action === 'start' ? `evaluating run ${e.runId}: ${e.attack}${e.n ? ` on ${e.n} images` : ''}`
      : `run ${e.runId}: ${e.attack} robust ${((e.robustAccuracy ?? 0) * 100).toFixed(2)}% on ${e.n} images in ${(e.seconds ?? 0).toFixed(1)} s`;
    case 'analysis': return `run ${e.runId}: R-DIV over eps ${e.action === 'start' ? 'started' : 'stored'}`;
    case 'end': return e.ok ? `study ${e.study}: complete` : `study ${e.study}: incomplete:\n  ${e.failed.join('\n  ')}`;
  }
}

function withStore<T>(o: { db?: string }, f: (s: Store) => T): T {
  const store = new Store(existingDbPath(o), { readonly: true });
  try { return f(store); } finally { store.close(); }
}

function statusCommand(): Command {
  return new Command('status').argument('<study>', 'a stored study\'s name, or its file')
    .description('progress of a study (runs, evaluations) and the time left at the rates measured so far')
    .option('--db <file>', 'the store database').option('--workers <n>', 'training workers assumed for the time left', intFlag('--workers'), 1)
    .option('--data-dir <dir>', 'with a study file not run yet: the dataset folder `run` would be given')
    .option('--json', 'one JSON object')
    .action((arg: string, o: { db?: string; workers: number; dataDir?: string; json?: boolean }) => withStore(o, (store) => {
      const s = studyStatus(store, resolveStudy(store, arg, o.dataDir), o.workers);
      if (o.json) { jsonLine(s); return; }
      const p = s.progress;
      process.stdout.write(`study ${s.name}: ${p.runsDone}/${p.runsTotal} runs, ${p.evalsDone}/${p.evalsTotal} evaluations, ${(p.fraction * 100).toFixed(0)}% of the work; ` +
        `time left ${p.etaSeconds === null ? 'unknown until an epoch and an evaluation of each attack are measured' : formatDuration(p.etaSeconds)}` +
        `${p.epochSeconds !== null ? ` (${p.epochSeconds.toFixed(1)} s per epoch)` : ''}\n`);
      for (const r of s.runs) {
        process.stdout.write(`  ${r.group.padEnd(24)} seed ${String(r.seed).padEnd(3)} ${r.status.padEnd(11)} ${r.runId ?? '-'.padEnd(16)} epochs ${r.epochsDone}/${r.epochsTotal}  evaluations ${r.evalsDone}/${r.evalsTotal}\n`);
      }
    }));
}

function reportCommand(): Command {
  return new Command('report').argument('<study>', 'a stored study\'s name, or its file')
    .description('the study\'s report: report.md, report.csv, table.svg, selection.svg, eps.svg in --out DIR (default: Markdown on stdout)')
    .option('--db <file>', 'the store database').option('--out <dir>', 'folder to write the files into')
    .option('--png', 'with --out: PNG copies of the SVG figures, drawn by a headless Chromium (CHROME_PATH or /usr/bin/chromium)')
    .option('--json', 'the report as one JSON object on stdout')
    .action((arg: string, o: { db?: string; out?: string; png?: boolean; json?: boolean }) => withStore(o, (store) => {
      const r = studyReport(store, resolveStudy(store, arg));
      if (o.json) jsonLine(r);
      if (o.out === undefined) { if (!o.json) process.stdout.write(reportMarkdown(r)); return; }
      fs.mkdirSync(o.out, { recursive: true });
      const files: Record<string, string> = { 'report.md': reportMarkdown(r), 'report.csv': reportCsv(r), 'table.svg': tableSvg(r), 'selection.svg': selectionSvg(r), 'eps.svg': epsSvg(r) };
      for (const [name, text] of Object.entries(files)) if (text) fs.writeFileSync(path.join(o.out, name), text);
      if (o.png) {
        const chromium = chromiumPath();
        if (!chromium) throw new UsageError('ascl study report --png: no Chromium (set CHROME_PATH or install chromium); the SVG files are written');
        for (const name of Object.keys(files).filter((k) => k.endsWith('.svg') && files[k])) {
          const png = name.replace(/\.svg$/, '.png');
          svgToPng(chromium, path.resolve(o.out, name), path.resolve(o.out, png), 760, 360);
          files[png] = 'png';
        }
      }
      if (!o.json) process.stdout.write(`wrote ${Object.keys(files).filter((k) => files[k]).map((k) => path.join(o.out!, k)).join(', ')}\n`);
    }));
}

export function studyCommand(): Command {
  return new Command('study').description('a grid of runs x seeds with a fixed evaluation protocol, and its report')
    .addCommand(runCommand()).addCommand(statusCommand()).addCommand(reportCommand());
}
