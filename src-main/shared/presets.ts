/**
 * Named presets: every configuration of the paper's Tables 2-7 (one per row), as a partial
 * RunConfig on top of the documented defaults. Each row names its dataset and model and carries the
 * training setting of supplementary 6 explicitly (so that a later change of a schema default does not
 * change what a preset means):
 * - ResNets "in the same setting as [29]": resnetSetting pang2019 (Pang et al.'s Keras resnet_v1:
 *   he_normal, Keras batch norm, L2 1e-4 on the conv kernels, 1x1 conv shortcuts without batch norm),
 *   Adam 1e-3 divided by 10 at epochs 80, 120, 160, 200 epochs, batch 128;
 * - augmentation as in [29]: flips and Keras' continuous 10% shifts with nearest fill;
 * - PGD k = 10 (eps, step: the dataset's, Section 4.1), tau 0.07, cosine similarity, penultimate latent;
 * - L_SCL reduced as eq. 3, Table 1 read literally (adversarialAnchorKey and leakedCounterpart paper);
 * - lambda_SCL 1, lambda_VAT 2 (supplementary 8.2) unless the row says otherwise.
 * Any key can be overridden (`--dataset cifar100`, `--model small-cnn`, `--epochs 5`, ...). With a CNN
 * (`cnn`, `small-cnn`) the learning rate is constant (supplementary 6: "Adam optimization with learning
 * rate 10^-3 for training the standard CNN"): applyPreset drops the ResNet milestones unless the
 * overrides give lrMilestones. The paper's reported accuracies come with each row.
 *
 * Assumptions the paper leaves open, set here:
 * - TRADES beta 6 (Table 4's TRADES rows): not in the paper; the authors' run_baseline.py
 *   (trades_train, adr_trades) and the TRADES paper's CIFAR-10 setting use 6.
 * - The TRADES adversary's start: this project starts TRADES, TRADES-ADR and TRADES-ASCL at
 *   x + 0.001 N(0, 1) as trades.py / adr_trades do; the authors' ascl_trades instead calls
 *   pgd_attack(loss_type='kl'), which starts uniformly in the eps-ball (objectives/adversaries.ts).
 * - ADR (Tables 4, 5): its weights come from the authors' run_baseline.py (objectives/adr.ts), but its
 *   L_AT follows this project's ADV reading of eq. 4 (lambdaNat 1, natural CE included), whereas that
 *   script runs adr_pgd with alpha = 0 (no natural CE; `--lambda-nat 0` reproduces it).
 */
import { ConfigError, parseRunConfig, type RunConfig, type RunConfigInput } from './run-config.js';

export interface PaperResult { nat: number; pgd: number; mpgd: number | null; aa: number | null }

export interface Preset {
  name: string;
  /** The table row quoted, with its reported accuracies. */
  description: string;
  table: number;
  row: string;
  config: RunConfigInput;
  /** Accuracies (%) the paper reports for this row (CIFAR-10 unless the row says otherwise). */
  paper: PaperResult;
  /** CIFAR-100 accuracies of the same row (Table 4 only). */
  paperCifar100?: PaperResult;
}

const r = (nat: number, pgd: number, mpgd: number | null, aa: number | null): PaperResult => ({ nat, pgd, mpgd, aa });
/** Supplementary 6 and Section 4.1, for every row (see the header). */
const PAPER_SETTING = {
  resnetSetting: 'pang2019', augmentFlip: true, augmentShift: 0.1, augmentShiftMode: 'keras-continuous-nearest',
  optimizer: 'adam', learningRate: 1e-3, lrMilestones: [80, 120, 160] as number[], lrGamma: 0.1, epochs: 200, batchSize: 128,
  pgdSteps: 10, eps: null, stepSize: null, tau: 0.07, distance: 'cosine', normalizeLatent: false,
  sclReduction: 'eq3', adversarialAnchorKey: 'paper', leakedCounterpart: 'paper', vatScaling: 'paper', lambdaNat: 1,
} as const;
const CIFAR10_RESNET20 = { ...PAPER_SETTING, dataset: 'cifar10', model: 'resnet20' } as const;
const CIFAR10_RESNET50 = { ...PAPER_SETTING, dataset: 'cifar10', model: 'resnet50' } as const;
const ASCL = { defense: 'ascl', adversary: 'pgd', lambdaScl: 1, lambdaVat: 2, selection: 'global' } as const;
const LEAKED_ASCL = { ...ASCL, selection: 'leaked' } as const;

function fmt(p: PaperResult): string {
  return `Nat ${p.nat}, PGD ${p.pgd}, mPGD ${p.mpgd ?? '-'}, AA ${p.aa ?? '-'}`;
}

function preset(table: number, slug: string, row: string, config: RunConfigInput, paper: PaperResult, setting: string, paperCifar100?: PaperResult): Preset {
  const c100 = paperCifar100 ? `; CIFAR-100: ${fmt(paperCifar100)}` : '';
  return { name: `table${table}/${slug}`, table, row, config, paper, paperCifar100,
    description: `Table ${table}, row "${row}" (${setting}): ${fmt(paper)}${c100}` };
}

const PRESETS: Preset[] = [
  // Table 2: ablation on CIFAR-10 with ResNet20.
  preset(2, 'scl', 'SCL', { ...CIFAR10_RESNET20, defense: 'scl', lambdaScl: 1, selection: 'global' }, r(88.7, 0.0, 0.0, 0.0), 'CIFAR-10, ResNet20; natural training, second view = augmentation'),
  preset(2, 'adv', 'ADV', { ...CIFAR10_RESNET20, defense: 'adv' }, r(78.8, 48.1, 36.4, 36.1), 'CIFAR-10, ResNet20'),
  preset(2, 'adv-scl', 'ADV+SCL', { ...CIFAR10_RESNET20, ...ASCL, lambdaScl: 1, lambdaVat: 0 }, r(80.1, 46.5, 35.2, 34.7), 'CIFAR-10, ResNet20; lambda_SCL 1, lambda_VAT 0'),
  preset(2, 'adv-vat', 'ADV+VAT', { ...CIFAR10_RESNET20, ...ASCL, lambdaScl: 0, lambdaVat: 1 }, r(77.4, 50.6, 39.4, 38.2), 'CIFAR-10, ResNet20; lambda_SCL 0, lambda_VAT 1 (the matching row of Table 7)'),
  preset(2, 'adv-scl-vat', 'ADV+SCL+VAT', { ...CIFAR10_RESNET20, ...ASCL }, r(76.4, 52.7, 40.4, 40.9), 'CIFAR-10, ResNet20; lambda_SCL 1, lambda_VAT 2 (= ASCL)'),
  // Table 3: selection strategies, CIFAR-10 with ResNet20.
  preset(3, 'ascl', 'ASCL', { ...CIFAR10_RESNET20, ...ASCL }, r(76.4, 52.7, 40.4, 40.9), 'CIFAR-10, ResNet20; Global selection'),
  preset(3, 'hard-ascl', 'Hard-ASCL', { ...CIFAR10_RESNET20, ...ASCL, selection: 'hard' }, r(75.5, 53.1, 41.0, 41.3), 'CIFAR-10, ResNet20; Hard-LS'),
  preset(3, 'soft-ascl', 'Soft-ASCL', { ...CIFAR10_RESNET20, ...ASCL, selection: 'soft' }, r(75.5, 53.4, 40.6, 40.4), 'CIFAR-10, ResNet20; Soft-LS'),
  preset(3, 'leaked-ascl', 'Leaked-ASCL', { ...CIFAR10_RESNET20, ...LEAKED_ASCL }, r(75.5, 53.7, 41.0, 42.0), 'CIFAR-10, ResNet20; Leaked-LS'),
  // Table 4: ResNet20 on CIFAR-10 (default) and CIFAR-100 (`--dataset cifar100`: eps 0.01, step 0.001).
  preset(4, 'adv', 'ADV', { ...CIFAR10_RESNET20, defense: 'adv' }, r(78.8, 48.1, 36.4, 36.1), 'ResNet20', r(60.7, 35.7, 25.3, 25.7)),
  // ADR: weights of run_baseline.py, L_AT with the natural CE of eq. 4 (lambdaNat 1; the script's alpha is 0).
  preset(4, 'adv-adr', 'ADV-ADR', { ...CIFAR10_RESNET20, defense: 'adr', adversary: 'pgd' }, r(76.8, 51.5, 38.9, 38.6), 'ResNet20', r(59.1, 40.0, 29.1, 28.6)),
  preset(4, 'adv-ascl', 'ADV-ASCL', { ...CIFAR10_RESNET20, ...ASCL }, r(76.4, 52.7, 40.4, 40.9), 'ResNet20', r(57.6, 41.3, 29.8, 30.2)),
  preset(4, 'adv-leaked-ascl', 'ADV-(Leaked)ASCL', { ...CIFAR10_RESNET20, ...LEAKED_ASCL }, r(75.5, 53.7, 41.0, 42.0), 'ResNet20', r(59.0, 42.5, 31.1, 31.9)),
  // TRADES beta 6: an assumption (see the header), as is the TRADES adversary's Gaussian start.
  preset(4, 'trades', 'TRADES', { ...CIFAR10_RESNET20, defense: 'trades', tradesBeta: 6 }, r(76.1, 51.9, 38.2, 36.3), 'ResNet20; beta 6', r(59.0, 37.2, 25.3, 25.7)),
  preset(4, 'trades-adr', 'TRADES-ADR', { ...CIFAR10_RESNET20, defense: 'adr', adversary: 'trades', tradesBeta: 6 }, r(72.3, 53.3, 40.1, 39.5), 'ResNet20; beta 6', r(58.3, 41.1, 30.0, 30.3)),
  preset(4, 'trades-ascl', 'TRADES-ASCL', { ...CIFAR10_RESNET20, ...ASCL, adversary: 'trades', tradesBeta: 6 }, r(72.5, 54.8, 40.8, 40.3), 'ResNet20; beta 6', r(56.5, 42.2, 30.7, 29.0)),
  preset(4, 'trades-leaked-ascl', 'TRADES-(Leaked)ASCL', { ...CIFAR10_RESNET20, ...LEAKED_ASCL, adversary: 'trades', tradesBeta: 6 }, r(71.9, 55.2, 40.6, 40.2), 'ResNet20; beta 6', r(56.7, 43.4, 31.2, 32.0)),
  // Table 5: CIFAR-10 with ResNet50 (RoCL-AT is a number reported from [21], not a configuration).
  preset(5, 'adv', 'ADV', { ...CIFAR10_RESNET50, defense: 'adv' }, r(82.2, 48.6, 38.2, 38.7), 'CIFAR-10, ResNet50'),
  preset(5, 'adv-adr', 'ADV-ADR', { ...CIFAR10_RESNET50, defense: 'adr', adversary: 'pgd' }, r(80.6, 51.8, 41.4, 41.5), 'CIFAR-10, ResNet50'),
  preset(5, 'adv-ascl', 'ADV-ASCL', { ...CIFAR10_RESNET50, ...ASCL }, r(79.4, 54.4, 42.8, 42.8), 'CIFAR-10, ResNet50'),
  preset(5, 'adv-leaked-ascl', 'ADV-(Leaked)ASCL', { ...CIFAR10_RESNET50, ...LEAKED_ASCL }, r(78.7, 55.8, 43.8, 43.6), 'CIFAR-10, ResNet50'),
  // Table 6 (supplementary 8.1): projection heads, CIFAR-10 with ResNet20.
  preset(6, 'ascl', 'ASCL without p(.)', { ...CIFAR10_RESNET20, ...ASCL, projectionHead: 'none' }, r(76.4, 52.7, 40.4, 40.9), 'CIFAR-10, ResNet20'),
  preset(6, 'ascl-p1', 'ASCL with p1(.)', { ...CIFAR10_RESNET20, ...ASCL, projectionHead: 'p1' }, r(77.3, 53.3, 41.1, 41.3), 'CIFAR-10, ResNet20; linear head to 128'),
  preset(6, 'ascl-p2', 'ASCL with p2(.)', { ...CIFAR10_RESNET20, ...ASCL, projectionHead: 'p2' }, r(76.6, 52.3, 40.0, 39.7), 'CIFAR-10, ResNet20; 200-ReLU-128 head, no bias'),
  preset(6, 'leaked-ascl', '(Leaked)ASCL without p(.)', { ...CIFAR10_RESNET20, ...LEAKED_ASCL, projectionHead: 'none' }, r(75.5, 53.7, 41.0, 42.0), 'CIFAR-10, ResNet20'),
  preset(6, 'leaked-ascl-p1', '(Leaked)ASCL with p1(.)', { ...CIFAR10_RESNET20, ...LEAKED_ASCL, projectionHead: 'p1' }, r(76.5, 54.1, 41.9, 42.3), 'CIFAR-10, ResNet20; linear head to 128'),
  preset(6, 'leaked-ascl-p2', '(Leaked)ASCL with p2(.)', { ...CIFAR10_RESNET20, ...LEAKED_ASCL, projectionHead: 'p2' }, r(75.7, 52.9, 40.7, 41.1), 'CIFAR-10, ResNet20; 200-ReLU-128 head, no bias'),
  // Table 7 (supplementary 8.2): the lambda grid, CIFAR-10 with ResNet20.
  ...([[0, 0, r(78.8, 48.1, 36.4, 36.1)], [1, 0, r(80.1, 46.5, 35.2, 34.7)], [2, 0, r(79.5, 46.7, 35.2, 34.7)],
    [3, 0, r(79.6, 45.8, 34.3, 34.4)], [4, 0, r(79.2, 45.6, 34.2, 34.3)], [0, 1, r(77.4, 50.6, 39.4, 38.2)],
    [0, 2, r(75.4, 53.0, 40.6, 40.0)], [0, 3, r(73.3, 54.4, 41.5, 42.3)], [0, 4, r(71.2, 55.0, 42.2, 43.1)]] as const)
    .map(([scl, vat, paper]) => preset(7, `scl${scl}-vat${vat}`, `lambda_SCL = ${scl}, lambda_VAT = ${vat}`,
      { ...CIFAR10_RESNET20, ...ASCL, lambdaScl: scl, lambdaVat: vat }, paper, 'CIFAR-10, ResNet20')),
  // Not a row of Table 7: the setting chosen from its grid ("we choose lambda_SCL = 1, lambda_VAT = 2"),
  // reported as ASCL in Tables 2-4.
  preset(7, 'scl1-vat2', 'lambda_SCL = 1, lambda_VAT = 2 (the chosen default; the ASCL row of Tables 2-4)',
    { ...CIFAR10_RESNET20, ...ASCL, lambdaScl: 1, lambdaVat: 2 }, r(76.4, 52.7, 40.4, 40.9), 'CIFAR-10, ResNet20'),
];

const BY_NAME = new Map(PRESETS.map((p) => [p.name, p]));

/** Every preset, in table order. */
export function listPresets(): Preset[] {
  return PRESETS.map((p) => ({ ...p, config: structuredClone(p.config) }));
}

export function getPreset(name: string): Preset {
  const p = BY_NAME.get(name);
  if (!p) throw new ConfigError(`applyPreset: unknown preset ${JSON.stringify(name)}; ${similarNames(name)}`);
  return p;
}

/** Models trained with a constant learning rate (supplementary 6: Adam 1e-3 for the standard CNN). */
const CONSTANT_LR_MODELS: readonly string[] = ['cnn', 'small-cnn'];

/**
 * The preset's configuration with `overrides` on top, validated and with every default filled in.
 * A CNN (by the preset or an override) gets no learning-rate milestones unless the overrides set them.
 */
export function applyPreset(name: string, overrides: RunConfigInput = {}): RunConfig {
  const p = getPreset(name);
  const merged: Record<string, unknown> = { ...structuredClone(p.config), ...overrides };
  if (CONSTANT_LR_MODELS.includes(String(merged.model)) && !('lrMilestones' in overrides)) merged.lrMilestones = [];
  return parseRunConfig(merged, `applyPreset(${name})`);
}

/** "did you mean" text: names sharing the typed table or row, else the closest by edit distance. */
function similarNames(name: string): string {
  const all = [...BY_NAME.keys()];
  const lower = name.toLowerCase();
  const [table, row] = lower.includes('/') ? lower.split('/', 2) : ['', lower];
  let close = all.filter((n) => (table && n.startsWith(`${table}/`)) || (row && n.split('/')[1].includes(row)));
  if (close.length === 0) close = [...all].sort((a, b) => editDistance(a, lower) - editDistance(b, lower)).slice(0, 5);
  return `similar: ${close.slice(0, 10).join(', ')} (all ${all.length}: \`ascl presets\`)`;
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  }
  return d[a.length][b.length];
}
