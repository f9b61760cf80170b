/**
 * The GPU machine's checks of bench/gpu-check.sh (run there with tsx): the adapters Dawn finds and
 * the readiness of both GPU paths; then the training step's loss and every gradient on webgpu against
 * cpu (small-cnn with batch norm in training mode, B=16, 32x32x3) for the objectives and selections
 * below, and every attack's adversarial examples, each as the largest difference relative to the
 * output's scale, with the tests' tolerance (1e-4). Prints one JSON line last; exits 1 on a failure.
 */
import { tf } from '../src-main/engine/tf.js';
import '@tensorflow/tfjs-backend-cpu';
import { backendReport, initBackend } from '../src-main/engine/backend/index.js';
import { gpuReadiness } from '../src-main/engine/backend/gpu-readiness.js';
import { parseRunConfig, type RunConfigInput } from '../src-main/shared/run-config.js';
import { ATTACKS } from '../src-main/shared/options.js';
import { createModel, logitsFn } from '../src-main/engine/models/index.js';
import { objectiveRegistry } from '../src-main/engine/objectives/index.js';
import { getAttack } from '../src-main/engine/attacks/index.js';
import { Rng } from '../src-main/engine/rng.js';

const B = 16, H = 32, W = 32, C = 3, K = 10, RTOL = 1e-4;

function uniform(n: number, seed: number): Float32Array {
  const r = new Rng(seed);
  return Float32Array.from({ length: n }, () => r.next());
}

/** max |a - b| / max |b| over the outputs (each on its own scale). */
function worstRelative(a: Float32Array[], b: Float32Array[]): number {
  let worst = 0;
  a.forEach((x, i) => {
    let scale = 0, diff = 0;
    for (let j = 0; j < x.length; j++) { scale = Math.max(scale, Math.abs(b[i][j])); diff = Math.max(diff, Math.abs(x[j] - b[i][j])); }
    worst = Math.max(worst, scale > 0 ? diff / scale : diff);
  });
  return worst;
}

async function onBoth(f: () => Promise<tf.Tensor[]> | tf.Tensor[]): Promise<number> {
  const run = async (name: string): Promise<Float32Array[]> => {
    await tf.setBackend(name);
    const outs = await f();
    const v = await Promise.all(outs.map(async (t) => Float32Array.from(await t.data())));
    tf.dispose(outs);
    return v;
  };
  const cpu = await run('cpu');
  return worstRelative(await run('webgpu'), cpu);
}

function step(input: RunConfigInput): tf.Tensor[] {
  const config = parseRunConfig({ dataset: 'synthetic', model: 'small-cnn', batchNorm: true, ...input });
  const model = createModel('small-cnn', { inputShape: [H, W, C], numClasses: K, projectionHead: 'none', seed: 0, batchNorm: true });
  const x = tf.tensor4d(uniform(B * H * W * C, 1), [B, H, W, C]);
  const xAdv = tf.tensor4d(uniform(B * H * W * C, 2), [B, H, W, C]);
  const y = tf.tensor1d(Array.from({ length: B }, (_, i) => i % K), 'int32');
  const ctx = { model, config, eps: 8 / 255, stepSize: 2 / 255, rng: new Rng(0), epoch: 1, step: 0, augment: (t: tf.Tensor4D) => tf.clone(t) };
  const { value, grads } = tf.variableGrads(() => objectiveRegistry.get(config.defense).loss(ctx, { x, y, xAdv }, () => {}), model.trainableVariables());
  tf.dispose([x, xAdv, y]);
  model.dispose();
  return [value, ...Object.keys(grads).sort().map((k) => grads[k])];
}

async function attack(name: (typeof ATTACKS)[number]): Promise<tf.Tensor[]> {
  const model = createModel('small-cnn', { inputShape: [H, W, C], numClasses: K, projectionHead: 'none', seed: 4, batchNorm: true });
  const x = tf.tensor4d(uniform(B * H * W * C, 7), [B, H, W, C]);
  const y = tf.tensor1d(Array.from({ length: B }, (_, i) => i % K), 'int32');
  const eps = name === 'fab-t' ? 0.25 : 8 / 255;
  const adv = await getAttack(name).run(logitsFn(model), x, y, { eps, stepSize: eps / 4, steps: name === 'square' ? 40 : 4, randomStart: true, restarts: 1, numClasses: K, seed: 3 });
  tf.dispose([x, y]);
  model.dispose();
  return [adv];
}

const STEPS: RunConfigInput[] = [
  { defense: 'nat' }, { defense: 'adv' }, { defense: 'trades' }, { defense: 'adr' }, { defense: 'scl' },
  { defense: 'ascl', selection: 'global' }, { defense: 'ascl', selection: 'hard', distance: 'l1' },
  { defense: 'ascl', selection: 'soft', distance: 'linf' }, { defense: 'ascl', selection: 'leaked' },
];

async function main(): Promise<void> {
  for (const g of await gpuReadiness()) {
    console.log(`${g.path}: ${g.ready ? 'ready' : 'not ready'}${g.adapters.length ? `; adapters ${g.adapters.join('; ')}` : ''}`);
    for (const c of g.checks.filter((x) => !x.ok)) console.log(`  missing ${c.what}: ${c.detail}${c.fix ? ` -> ${c.fix}` : ''}`);
  }
  await initBackend('webgpu');
  const adapter = backendReport().adapter;
  console.log(`webgpu on ${JSON.stringify(adapter)}`);
  const results: Record<string, number> = {};
  for (const c of STEPS) {
    const t0 = Date.now();
    results[`step ${JSON.stringify(c)}`] = await onBoth(() => step(c));
    console.log(`  step ${JSON.stringify(c)}: worst relative difference ${results[`step ${JSON.stringify(c)}`].toExponential(2)} (${Date.now() - t0} ms)`);
  }
  for (const a of ATTACKS.filter((n) => n !== 'aa')) {
    results[`attack ${a}`] = await onBoth(() => attack(a));
    console.log(`  attack ${a}: worst relative difference ${results[`attack ${a}`].toExponential(2)}`);
  }
  const failed = Object.entries(results).filter(([, v]) => !(v <= RTOL)).map(([k]) => k);
  console.log(JSON.stringify({ adapter, rtol: RTOL, results, failed }));
  process.exitCode = failed.length ? 1 : 0;
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack ?? e.message : String(e));
  process.exit(1);
});
