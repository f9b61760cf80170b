/**
 * Full comparison with the reference figures of test/fixtures/reference-model/cifar10-cnn-pgdat
 * (PyTorch + fra31/auto-attack on the first 1000 images of test_batch.bin, the subset in test/fixtures/cifar10, eps 8/255):
 * clean, FGSM, PGD-20 (step 2/255, random start) and standard AutoAttack (robust accuracy after
 * each attack, per-image agreement). Long (tens of minutes on 2 cores); run with
 *   nice -n 10 npx tsx studies/attacks/compare-reference.ts [--n 1000] [--backend wasm] [--only fgsm,pgd,aa]
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend } from '../../src-main/engine/backend/index.js';
import { evaluateRobustness } from '../../src-main/engine/evaluate/evaluate.js';
import type { AttackName, BackendChoice } from '../../src-main/shared/options.js';
import { loadExternalModel } from '../../src-main/engine/models/external.js';
import { CIFAR_TEST, REFERENCE_DIR, readCifarBatch } from '../../test/attacks/fixtures.js';

const { values } = parseArgs({ options: { n: { type: 'string', default: '1000' }, backend: { type: 'string', default: 'wasm' }, only: { type: 'string', default: 'fgsm,pgd,aa' } } });
const n = Number(values.n);
if (!Number.isInteger(n) || n < 1 || n > 1000) throw new Error(`compare-reference: --n must be an integer in [1, 1000], got ${values.n}`);
const backend = await initBackend(values.backend as BackendChoice);
const ref = JSON.parse(readFileSync(resolve(REFERENCE_DIR, 'reference_results.json'), 'utf8')) as {
  clean_accuracy_1000: number; fgsm_accuracy_1000: number; pgd20_accuracy_1000: number; autoattack_standard_accuracy_1000: number;
  autoattack_accuracy_after_each_attack: Record<string, number>; autoattack_robust_per_sample_1000: number[];
};
const f = (await loadExternalModel(REFERENCE_DIR, { inputShape: [32, 32, 3], numClasses: 10 })).logits;
const data = readCifarBatch(CIFAR_TEST, n);
const base = { logits: f, images: data.images, labels: data.labels, shape: [32, 32, 3] as [number, number, number], numClasses: 10, dataset: 'cifar10' as const, eps: 8 / 255, stepSize: 2 / 255, n, batchSize: 250, seed: 0 };
const line = (name: string, ours: number, theirs: number | null, seconds: number) =>
  console.log(`${name.padEnd(12)} ours ${ours.toFixed(3)}  reference ${theirs === null ? '  -  ' : theirs.toFixed(3)}  (${seconds.toFixed(0)} s)`);
console.log(`backend ${backend}, first ${n} test images, eps 8/255${n < 1000 ? ' (reference figures are for 1000)' : ''}`);
const only = new Set(values.only!.split(','));
if (only.has('aa') && n % 100 !== 0) throw new Error(`compare-reference: --n must be a multiple of 100 with aa, got ${n}`);
const progress = (name: string) => (done: number, total: number, eta: number) => process.stderr.write(`\r${name} ${done}/${total}, ${eta.toFixed(0)} s left   `);

for (const [attack, steps, refAcc] of [['fgsm', 1, ref.fgsm_accuracy_1000], ['pgd', 20, ref.pgd20_accuracy_1000]] as Array<[AttackName, number, number]>) {
  if (!only.has(attack)) continue;
  const r = await evaluateRobustness({ ...base, attack, steps, onProgress: progress(attack) });
  process.stderr.write('\n');
  if (attack === 'fgsm') line('clean', r.cleanAccuracy, ref.clean_accuracy_1000, 0);
  line(attack === 'pgd' ? 'PGD-20' : 'FGSM', r.robustAccuracy, refAcc, r.seconds);
}
if (only.has('aa')) {
  // Chunks of 100 images, printed as they finish: the per-image reference flags allow a running
  // comparison, so a partial run still says something (the whole 1000 take tens of CPU minutes).
  const names: Record<string, string> = { 'apgd-ce': 'APGD-CE', 'apgd-t': 'APGD-T', 'fab-t': 'FAB-T', square: 'SQUARE' };
  const flags = ref.autoattack_robust_per_sample_1000.slice(0, n);
  const after: Record<string, number> = {};
  let both = 0, oursOnly = 0, refOnly = 0, ours = 0, theirs = 0, seconds = 0;
  for (let from = 0; from < n; from += 100) {
    const m = Math.min(100, n - from);
    const r = await evaluateRobustness({ ...base, images: data.images.subarray(from * 3072), labels: data.labels.subarray(from), n: m, batchSize: 100, seed: from, attack: 'aa' });
    seconds += r.seconds;
    for (const [k, v] of Object.entries(r.perAttack ?? {})) after[k] = (after[k] ?? 0) + v * m;
    r.perSample.forEach((v, i) => {
      const f = flags[from + i];
      ours += v; theirs += f;
      if (v && f) both++; else if (v) oursOnly++; else if (f) refOnly++;
    });
    const done = from + m;
    console.log(`AutoAttack first ${done}: ours ${(ours / done).toFixed(3)}  reference ${(theirs / done).toFixed(3)}  per image: robust in both ${both}, only ours ${oursOnly} (we are weaker there), only reference ${refOnly}  (${seconds.toFixed(0)} s)`);
  }
  for (const [k, v] of Object.entries(after)) line(`  ${names[k]}`, v / n, n === 1000 ? ref.autoattack_accuracy_after_each_attack[names[k]] ?? null : null, 0);
  line('AutoAttack', ours / n, n === 1000 ? ref.autoattack_standard_accuracy_1000 : theirs / n, seconds);
}
