/** `ascl analyze --run RUN`: R-DIV over the run's stored checkpoints and over eps, and the t-SNE, stored for the UI. */
import { Command } from 'commander';
import { analysisAttack, createAppService } from '../service/app-service.js';
import { UsageError, existingDbPath, fractionFlag, intFlag, jsonLine, parseRequest } from './common.js';
import { taskProgress } from './progress.js';

interface AnalyzeFlags { run: string; epsSweep?: number[]; tsne?: boolean; overEpochs?: boolean; n: number; tsneBenign: number; tsneAdversarial: number; steps?: number; stepSize?: number; seed: number; db?: string; json?: boolean }

const epsList = (v: string): number[] => {
  const parse = fractionFlag('--eps-sweep', 0);
  const list = v.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map(parse);
  if (list.length === 0) throw new UsageError('--eps-sweep needs at least one value, e.g. 0,2/255,4/255,8/255');
  if (list.some((e) => e > 1)) throw new UsageError(`--eps-sweep values must be at most 1 (got ${v})`);
  return list;
};

export function analyzeCommand(): Command {
  return new Command('analyze')
    .description('latent-space analysis of a run: R-DIV over eps (--eps-sweep), over its stored checkpoints (--over-epochs), t-SNE (--tsne)')
    .requiredOption('--run <run>', 'the run')
    .option('--eps-sweep <list>', 'comma-separated eps values, e.g. 0,2/255,4/255,8/255', epsList)
    .option('--over-epochs', 'R-DIV at each stored checkpoint (the trainer also records it every epoch)')
    .option('--tsne', 't-SNE of 1000 benign + 100 adversarial test latents')
    .option('--n <n>', 'test images for R-DIV', intFlag('--n'), 512)
    .option('--tsne-benign <n>', 'benign test images in the t-SNE', intFlag('--tsne-benign', 2), 1000)
    .option('--tsne-adversarial <n>', 'adversarial examples in the t-SNE', intFlag('--tsne-adversarial', 0), 100)
    .option('--steps <k>', 'PGD steps (default: the dataset\'s evaluation PGD, k = 250 as Figures 2, 4-6; not the run\'s training PGD)', intFlag('--steps'))
    .option('--step-size <s>', 'PGD step size (default: the dataset\'s evaluation step, 2/255 on CIFAR-10)', fractionFlag('--step-size', Number.MIN_VALUE))
    .option('--seed <s>', 'seed', intFlag('--seed', 0), 0)
    .option('--db <file>', 'the store database')
    .option('--json', 'JSON lines; the last line is the result')
    .action(async (o: AnalyzeFlags) => {
      if (!o.epsSweep && !o.tsne && !o.overEpochs) throw new UsageError('ascl analyze: choose at least one of --eps-sweep, --over-epochs, --tsne');
      parseRequest('runs:get', { id: o.run }, 'ascl analyze --run');
      const service = await createAppService({ dbPath: existingDbPath(o), createFolder: false, workers: 1, log: () => {} });
      try {
        const run = service.store.getRun(o.run);
        if (!run) throw new UsageError(`ascl analyze: no run ${JSON.stringify(o.run)} in ${service.store.dbPath}`);
        if (run.damage) throw new UsageError(`ascl analyze: ${run.damage}`);
        const pgd = analysisAttack(run.config, { steps: o.steps ?? null, stepSize: o.stepSize ?? null });
        const progress = taskProgress(`analyze ${o.run}`, o.json === true);
        let out;
        try {
          out = await service.analyze(o.run, { overEpochs: o.overEpochs === true, epsSweep: o.epsSweep ?? [], tsne: o.tsne === true, n: o.n, steps: o.steps ?? null, stepSize: o.stepSize ?? null, seed: o.seed,
            tsneBenign: o.tsneBenign, tsneAdversarial: o.tsneAdversarial }, progress.update);
        } finally {
          progress.stop();
        }
        const result = { runId: o.run, pgd, rdivEpochs: out.rdivEpochs, rdivEps: out.rdivEps, tsnePoints: out.tsne?.length ?? 0 };
        if (o.json) { jsonLine(result); return; }
        process.stdout.write(`PGD-${pgd.steps}, step ${pgd.stepSize.toFixed(5)} (eps ${pgd.eps.toFixed(5)} for R-DIV over epochs and the t-SNE)\n`);
        for (const p of out.rdivEpochs) process.stdout.write(`epoch ${p.epoch}: d+ ${p.dPlus.toFixed(4)} d- ${p.dMinus.toFixed(4)} R-DIV ${p.rdiv.toFixed(4)}\n`);
        for (const p of out.rdivEps) process.stdout.write(`eps ${p.eps.toFixed(5)}: R-DIV ${p.rdiv.toFixed(4)} robust ${(p.robustAccuracy * 100).toFixed(2)}%\n`);
        if (out.tsne) process.stdout.write(`t-SNE: ${out.tsne.length} points stored\n`);
      } finally {
        await service.close();
      }
    });
}
