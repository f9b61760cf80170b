/**
 * The study files of the repository (studies/paper/, studies/reduced/) parse and expand: the paper's
 * Tables 2-4 at full scale (ResNet20, 200 epochs, PGD/mPGD k = 250 on 10000 images, AA on 1000), and the
 * reduced CIFAR-10 study with ADV, ASCL (Global) and Leaked-ASCL, at least 3 seeds, batch norm on, PGD and AA.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readStudyFile } from '../../src-main/cli/study.js';
import { planStudy } from '../../src-main/service/study/plan.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..', 'studies');
const files = ['paper', 'reduced'].flatMap((d) => fs.readdirSync(path.join(ROOT, d)).filter((f) => f.endsWith('.json')).map((f) => path.join(ROOT, d, f)));

describe('repository study files', () => {
  it('there are the four paper studies and the reduced one', () => {
    expect(files.map((f) => path.relative(ROOT, f)).sort()).toEqual(['paper/table2.json', 'paper/table3.json', 'paper/table4-cifar10.json', 'paper/table4-cifar100.json', 'reduced/cifar10.json']);
  });
  for (const f of files.filter((x) => x.includes(`${path.sep}paper${path.sep}`))) {
    it(`${path.basename(f)}: ResNet20, 200 epochs, batch 128, PGD and mPGD k = 250 on 10000 images, AA on 1000`, () => {
      const s = readStudyFile(f);
      const plan = planStudy(s);
      for (const p of plan) expect(p.config).toMatchObject({ model: 'resnet20', epochs: 200, batchSize: 128, limit: null });
      expect(s.evaluation.attacks).toEqual([{ attack: 'pgd', steps: 250, n: 10000 }, { attack: 'mpgd', steps: 250, n: 10000 }, { attack: 'aa', steps: null, n: 1000 }]);
    });
  }
  it('reduced/cifar10.json: ADV, ADV-ASCL (Global), Leaked-ASCL x >= 3 seeds on CIFAR-10 with batch norm, PGD and AA on one fixed subset', () => {
    const s = readStudyFile(path.join(ROOT, 'reduced', 'cifar10.json'));
    const plan = planStudy(s);
    const groups = [...new Set(plan.map((p) => p.group))];
    expect(groups).toEqual(['ADV', 'ADV-ASCL', 'ADV-(Leaked)ASCL']);
    expect(new Set(plan.map((p) => p.seed)).size).toBeGreaterThanOrEqual(3);
    for (const p of plan) expect(p.config).toMatchObject({ dataset: 'cifar10', batchNorm: true });
    expect(plan.filter((p) => p.group === 'ADV-ASCL').every((p) => p.config.selection === 'global' && p.config.defense === 'ascl')).toBe(true);
    expect(plan.filter((p) => p.group === 'ADV-(Leaked)ASCL').every((p) => p.config.selection === 'leaked')).toBe(true);
    expect(s.evaluation.attacks.map((a) => a.attack)).toEqual(['pgd', 'aa']);
    expect(s.evaluation.attacks.every((a) => (a.n ?? s.evaluation.n) !== null)).toBe(true);
  });
});
