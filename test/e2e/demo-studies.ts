/**
 * The demo service's studies: one study of three methods x 3 seeds, its runs partly done, with a
 * report computed by the shared statistics (study-stats.ts) from seeded per-run accuracies, so the
 * Studies page can be drawn and photographed without training.
 */
import { ApiError } from '../../src-main/api/dispatch.js';
import type { ApiHandlers } from '../../src-main/shared/channels.js';
import { Rng } from '../../src-main/engine/rng.js';
import { standardError } from '../../src-main/shared/evaluation.js';
import { parseStudy } from '../../src-main/shared/study.js';
import type { StudyReport, StudyReportRow, StudyStatus } from '../../src-main/shared/study-report.js';
import { meanCi, pairedDifferences, seOfMean } from '../../src-main/shared/study-stats.js';

const STUDY = parseStudy({
  name: 'reduced-cifar10', description: 'Demo: ADV, ASCL and Leaked-ASCL on a small CNN, 3 seeds.',
  runs: { presets: ['table4/adv', 'table4/adv-ascl', 'table4/adv-leaked-ascl'], seeds: { from: 0, to: 2 }, overrides: { model: 'small-cnn', epochs: 8 } },
  evaluation: { attacks: [{ attack: 'pgd', steps: 20 }, { attack: 'aa' }], n: 500 },
  report: { differences: [{ of: 'ADV-(Leaked)ASCL', minus: 'ADV-ASCL' }, { of: 'ADV-ASCL', minus: 'ADV' }] },
});
const GROUPS: Array<[string, string, number]> = [['ADV', 'table4/adv', 0], ['ADV-ASCL', 'table4/adv-ascl', 0.02], ['ADV-(Leaked)ASCL', 'table4/adv-leaked-ascl', 0.03]];
const COLUMNS = ['nat', 'pgd', 'aa'];
const BASE: Record<string, number> = { nat: 0.52, pgd: 0.27, aa: 0.22 };

function report(): StudyReport {
  const rng = new Rng(11);
  const rows: StudyReportRow[] = GROUPS.map(([group, preset, lift]) => {
    const runs = [0, 1, 2].map((seed) => {
      const values = Object.fromEntries(COLUMNS.map((c) => [c, BASE[c] + (c === 'nat' ? -lift / 2 : lift) + (rng.next() - 0.5) * 0.02]));
      const images = { nat: 500, pgd: 500, aa: 500 };
      return { runId: `run-${preset.split('/')[1]}-${seed}`, seed, epoch: 8, values, images, seconds: 600,
        se: Object.fromEntries(COLUMNS.map((c) => [c, standardError(values[c], 500)])) };
    });
    const cells = Object.fromEntries(COLUMNS.map((c) => [c, { ...meanCi(runs.map((r) => r.values[c])), seOfMean: seOfMean(runs.map((r) => r.se[c])), images: 500 }]));
    return { group, presets: [preset], runs, cells };
  });
  const byGroup = new Map(rows.map((r) => [r.group, r]));
  const differences = STUDY.report.differences.map((d) => ({ of: d.of, minus: d.minus, columns: Object.fromEntries(COLUMNS.map((c) => {
    const p = pairedDifferences(new Map(byGroup.get(d.of)!.runs.map((r) => [r.seed, r.values[c]])), new Map(byGroup.get(d.minus)!.runs.map((r) => [r.seed, r.values[c]])));
    return [c, { ...p, ci: meanCi(p.diffs) }];
  })) }));
  const epochs = [1, 2, 3, 4, 5, 6, 7, 8];
  return {
    name: STUDY.name, description: STUDY.description, summary: STUDY.report.summary, columns: COLUMNS, rows, differences,
    selection: [{ group: 'ADV-ASCL', epochs, positives: epochs.map(() => 25.6), negatives: epochs.map(() => 230.4) },
      { group: 'ADV-(Leaked)ASCL', epochs, positives: epochs.map((e) => 22 + e), negatives: epochs.map((e) => 120 - 9 * e) }],
    epsCurves: [], missing: [], protocol: STUDY.evaluation, generatedAt: '2026-11-20T12:00:00.000Z',
    environment: { machine: 'demo CPU', cores: 2, os: 'linux', node: 'v20', appVersion: 'demo', tfjsVersion: '4.22.0', backends: ['wasm'] },
    compute: { trainSeconds: 5400, evalSeconds: 1200, totalSeconds: 6600 },
  };
}

function status(): StudyStatus {
  const runs = GROUPS.flatMap(([group, preset]) => [0, 1, 2].map((seed) => ({ preset, group, seed, runId: `run-${preset.split('/')[1]}-${seed}`,
    status: 'completed' as const, epochsDone: 8, epochsTotal: 8, evalsDone: 2, evalsTotal: 2 })));
  return { name: STUDY.name, study: STUDY, runs,
    progress: { runsTotal: 9, runsDone: 9, evalsTotal: 18, evalsDone: 18, fraction: 1, etaSeconds: 0, epochSeconds: 75, evalSeconds: { pgd: 40, aa: 90 } } };
}

export function demoStudyHandlers(): Pick<ApiHandlers, 'studies:list' | 'studies:get'> {
  return {
    'studies:list': async () => [{ name: STUDY.name, description: STUDY.description, updatedAt: '2026-11-20T12:00:00.000Z', progress: status().progress, damage: null }],
    'studies:get': async (req) => {
      if (req.name !== STUDY.name) throw new ApiError('not-found', `demo: no study ${JSON.stringify(req.name)}`);
      return { status: status(), report: report() };
    },
  };
}
