/**
 * Every preset's resolved configuration against the paper's rows, written here from Tables 2-7 and
 * supplementary 6 / Section 4.1 (not from presets.ts): defense, adversary, selection, lambdas,
 * projection head, dataset, model, eps and step, and the shared training setting. A wrong lambda,
 * strategy or adversary in any row fails, and so does a missing or an extra row.
 */
import { describe, expect, it } from 'vitest';
import { applyPreset, listPresets } from '../../src-main/shared/presets.js';
import { attackBudget } from '../../src-main/shared/run-config.js';

interface Row {
  table: number; row: string; defense: string; adversary?: string; selection?: string;
  lambdaScl?: number; lambdaVat?: number; head?: string; model: string;
  /** Nat, PGD, mPGD, AA as printed (CIFAR-10). */
  paper: [number, number, number | null, number | null];
  cifar100?: [number, number, number, number];
}

const R20 = 'resnet20', R50 = 'resnet50';
const ascl = (selection: string, adversary = 'pgd', lambdaScl = 1, lambdaVat = 2) => ({ defense: 'ascl', adversary, selection, lambdaScl, lambdaVat });

const PAPER: Row[] = [
  // Table 2: ablation, CIFAR-10, ResNet20
  { table: 2, row: 'SCL', defense: 'scl', selection: 'global', lambdaScl: 1, model: R20, paper: [88.7, 0.0, 0.0, 0.0] },
  { table: 2, row: 'ADV', defense: 'adv', adversary: 'pgd', model: R20, paper: [78.8, 48.1, 36.4, 36.1] },
  { table: 2, row: 'ADV+SCL', ...ascl('global', 'pgd', 1, 0), model: R20, paper: [80.1, 46.5, 35.2, 34.7] },
  { table: 2, row: 'ADV+VAT', ...ascl('global', 'pgd', 0, 1), model: R20, paper: [77.4, 50.6, 39.4, 38.2] },
  { table: 2, row: 'ADV+SCL+VAT', ...ascl('global'), model: R20, paper: [76.4, 52.7, 40.4, 40.9] },
  // Table 3: selection strategies, CIFAR-10, ResNet20
  { table: 3, row: 'ASCL', ...ascl('global'), model: R20, paper: [76.4, 52.7, 40.4, 40.9] },
  { table: 3, row: 'Hard-ASCL', ...ascl('hard'), model: R20, paper: [75.5, 53.1, 41.0, 41.3] },
  { table: 3, row: 'Soft-ASCL', ...ascl('soft'), model: R20, paper: [75.5, 53.4, 40.6, 40.4] },
  { table: 3, row: 'Leaked-ASCL', ...ascl('leaked'), model: R20, paper: [75.5, 53.7, 41.0, 42.0] },
  // Table 4: ResNet20, CIFAR-10 and CIFAR-100
  { table: 4, row: 'ADV', defense: 'adv', adversary: 'pgd', model: R20, paper: [78.8, 48.1, 36.4, 36.1], cifar100: [60.7, 35.7, 25.3, 25.7] },
  { table: 4, row: 'ADV-ADR', defense: 'adr', adversary: 'pgd', model: R20, paper: [76.8, 51.5, 38.9, 38.6], cifar100: [59.1, 40.0, 29.1, 28.6] },
  { table: 4, row: 'ADV-ASCL', ...ascl('global'), model: R20, paper: [76.4, 52.7, 40.4, 40.9], cifar100: [57.6, 41.3, 29.8, 30.2] },
  { table: 4, row: 'ADV-(Leaked)ASCL', ...ascl('leaked'), model: R20, paper: [75.5, 53.7, 41.0, 42.0], cifar100: [59.0, 42.5, 31.1, 31.9] },
  { table: 4, row: 'TRADES', defense: 'trades', model: R20, paper: [76.1, 51.9, 38.2, 36.3], cifar100: [59.0, 37.2, 25.3, 25.7] },
  { table: 4, row: 'TRADES-ADR', defense: 'adr', adversary: 'trades', model: R20, paper: [72.3, 53.3, 40.1, 39.5], cifar100: [58.3, 41.1, 30.0, 30.3] },
  { table: 4, row: 'TRADES-ASCL', ...ascl('global', 'trades'), model: R20, paper: [72.5, 54.8, 40.8, 40.3], cifar100: [56.5, 42.2, 30.7, 29.0] },
  { table: 4, row: 'TRADES-(Leaked)ASCL', ...ascl('leaked', 'trades'), model: R20, paper: [71.9, 55.2, 40.6, 40.2], cifar100: [56.7, 43.4, 31.2, 32.0] },
  // Table 5: CIFAR-10, ResNet50 (RoCL-AT is a number quoted from [21], not a configuration)
  { table: 5, row: 'ADV', defense: 'adv', adversary: 'pgd', model: R50, paper: [82.2, 48.6, 38.2, 38.7] },
  { table: 5, row: 'ADV-ADR', defense: 'adr', adversary: 'pgd', model: R50, paper: [80.6, 51.8, 41.4, 41.5] },
  { table: 5, row: 'ADV-ASCL', ...ascl('global'), model: R50, paper: [79.4, 54.4, 42.8, 42.8] },
  { table: 5, row: 'ADV-(Leaked)ASCL', ...ascl('leaked'), model: R50, paper: [78.7, 55.8, 43.8, 43.6] },
  // Table 6: projection heads, CIFAR-10, ResNet20
  { table: 6, row: 'ASCL without p(.)', ...ascl('global'), head: 'none', model: R20, paper: [76.4, 52.7, 40.4, 40.9] },
  { table: 6, row: 'ASCL with p1(.)', ...ascl('global'), head: 'p1', model: R20, paper: [77.3, 53.3, 41.1, 41.3] },
  { table: 6, row: 'ASCL with p2(.)', ...ascl('global'), head: 'p2', model: R20, paper: [76.6, 52.3, 40.0, 39.7] },
  { table: 6, row: '(Leaked)ASCL without p(.)', ...ascl('leaked'), head: 'none', model: R20, paper: [75.5, 53.7, 41.0, 42.0] },
  { table: 6, row: '(Leaked)ASCL with p1(.)', ...ascl('leaked'), head: 'p1', model: R20, paper: [76.5, 54.1, 41.9, 42.3] },
  { table: 6, row: '(Leaked)ASCL with p2(.)', ...ascl('leaked'), head: 'p2', model: R20, paper: [75.7, 52.9, 40.7, 41.1] },
  // Table 7: the lambda grid, CIFAR-10, ResNet20 (ASCL, Global selection), and the chosen (1, 2)
  ...([[0, 0, [78.8, 48.1, 36.4, 36.1]], [1, 0, [80.1, 46.5, 35.2, 34.7]], [2, 0, [79.5, 46.7, 35.2, 34.7]],
    [3, 0, [79.6, 45.8, 34.3, 34.4]], [4, 0, [79.2, 45.6, 34.2, 34.3]], [0, 1, [77.4, 50.6, 39.4, 38.2]],
    [0, 2, [75.4, 53.0, 40.6, 40.0]], [0, 3, [73.3, 54.4, 41.5, 42.3]], [0, 4, [71.2, 55.0, 42.2, 43.1]]] as const)
    .map(([scl, vat, paper]): Row => ({ table: 7, row: `lambda_SCL = ${scl}, lambda_VAT = ${vat}`, ...ascl('global', 'pgd', scl, vat), model: R20, paper: [...paper] })),
  { table: 7, row: 'lambda_SCL = 1, lambda_VAT = 2 (the chosen default; the ASCL row of Tables 2-4)', ...ascl('global'), model: R20, paper: [76.4, 52.7, 40.4, 40.9] },
];

/** Supplementary 6 and Section 4.1, shared by every row. */
const SETTING = {
  optimizer: 'adam', learningRate: 1e-3, lrMilestones: [80, 120, 160], lrGamma: 0.1, epochs: 200, batchSize: 128,
  pgdSteps: 10, tau: 0.07, distance: 'cosine', augmentFlip: true, augmentShift: 0.1,
  augmentShiftMode: 'keras-continuous-nearest', resnetSetting: 'pang2019',
  sclReduction: 'eq3', adversarialAnchorKey: 'paper', leakedCounterpart: 'paper', vatScaling: 'paper',
};

const presets = listPresets();
const presetOf = (r: Row) => presets.filter((p) => p.table === r.table && p.row === r.row);

describe('presets against the paper\'s Tables 2-7 (table written from the paper)', () => {
  it(`the ${PAPER.length} rows and the presets are the same set`, () => {
    expect(presets.map((p) => `${p.table}|${p.row}`).sort()).toEqual(PAPER.map((r) => `${r.table}|${r.row}`).sort());
  });

  it.each(PAPER.map((r) => ({ name: `Table ${r.table} "${r.row}"`, r })))('$name: defense, adversary, selection, lambdas, head, dataset, model, eps, setting, reported figures', ({ r }) => {
    const [p] = presetOf(r);
    expect(p, 'preset for the row').toBeDefined();
    const c = applyPreset(p.name);
    expect({ defense: c.defense, model: c.model, dataset: c.dataset, projectionHead: c.projectionHead }).toEqual({ defense: r.defense, model: r.model, dataset: 'cifar10', projectionHead: r.head ?? 'none' });
    if (r.adversary) expect(c.adversary).toBe(r.adversary);
    if (r.defense === 'trades') expect(c.tradesBeta).toBe(6);
    if (r.adversary === 'trades') expect(c.tradesBeta).toBe(6);
    if (r.selection) expect(c.selection).toBe(r.selection);
    if (r.defense === 'ascl') expect({ lambdaScl: c.lambdaScl, lambdaVat: c.lambdaVat }).toEqual({ lambdaScl: r.lambdaScl, lambdaVat: r.lambdaVat });
    if (r.defense === 'scl') expect(c.lambdaScl).toBe(r.lambdaScl);
    expect(c).toMatchObject(SETTING);
    // Section 4.1: training adversary k = 10, eps 8/255, step 2/255 on CIFAR-10; eps 0.01, step 0.001 on CIFAR-100
    expect(attackBudget(c)).toEqual({ eps: 8 / 255, stepSize: 2 / 255 });
    expect(attackBudget(applyPreset(p.name, { dataset: 'cifar100' }))).toEqual({ eps: 0.01, stepSize: 0.001 });
    expect([p.paper.nat, p.paper.pgd, p.paper.mpgd, p.paper.aa]).toEqual(r.paper);
    if (r.cifar100) expect([p.paperCifar100?.nat, p.paperCifar100?.pgd, p.paperCifar100?.mpgd, p.paperCifar100?.aa]).toEqual(r.cifar100);
    else expect(p.paperCifar100).toBeUndefined();
  });

  it('supplementary 6: a CNN override gets a constant learning rate (no milestones) unless lrMilestones is given', () => {
    expect(applyPreset('table3/ascl', { model: 'cnn' })).toMatchObject({ model: 'cnn', lrMilestones: [], learningRate: 1e-3 });
    expect(applyPreset('table3/ascl', { model: 'small-cnn' }).lrMilestones).toEqual([]);
    expect(applyPreset('table3/ascl', { model: 'cnn', lrMilestones: [5] }).lrMilestones).toEqual([5]);
    expect(applyPreset('table3/ascl', { model: 'resnet50' }).lrMilestones).toEqual([80, 120, 160]);
  });
});
