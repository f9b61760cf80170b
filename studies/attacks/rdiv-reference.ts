/**
 * R-DIV against attack strength (Figures 2c / 4) on the reference CNN (PGD-AT, small-cnn with its
 * weights): PGD (step 2/255, random start) on the first --n CIFAR-10 test images, mini-batches of 128.
 *   nice -n 10 npx tsx studies/attacks/rdiv-reference.ts [--n 256] [--steps 20]
 */
import { parseArgs } from 'node:util';
import { initBackend } from '../../src-main/engine/backend/index.js';
import { rdivSweep } from '../../src-main/engine/analysis/rdiv.js';
import { CIFAR_TEST, readCifarBatch, referenceEngineModel } from '../../test/attacks/fixtures.js';

const { values } = parseArgs({ options: { n: { type: 'string', default: '256' }, steps: { type: 'string', default: '20' } } });
const n = Number(values.n), steps = Number(values.steps);
if (!Number.isInteger(n) || n < 2 || !Number.isInteger(steps) || steps < 1) throw new Error(`rdiv-reference: bad --n ${values.n} or --steps ${values.steps}`);
console.log(`backend ${await initBackend('wasm')}, first ${n} test images, PGD-${steps} step 2/255`);
const data = readCifarBatch(CIFAR_TEST, n);
const model = referenceEngineModel();
rdivSweep(model, data.images, data.labels, [1, 2, 4, 8, 16].map((e) => e / 255), { stepSize: 2 / 255, steps, seed: 0 }, (p) =>
  console.log(`eps ${(p.eps * 255).toFixed(0).padStart(2)}/255  robust ${p.robustAccuracy.toFixed(3)}  d_a+ ${p.dPlus.toFixed(4)}  d_a- ${p.dMinus.toFixed(4)}  R-DIV ${p.rdiv.toFixed(4)}`));
