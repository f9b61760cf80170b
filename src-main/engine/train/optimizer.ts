/**
 * Optimisers with PyTorch's update rules (the authors' code), state exportable as NamedArrays for
 * checkpoints. Weight decay is PyTorch's `weight_decay` (L2 added to the gradient), for both.
 * - Adam (Kingma & Ba 2015; torch.optim.Adam): m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
 *   p -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps), b1 0.9, b2 0.999, eps 1e-8.
 * - SGD with momentum (torch.optim.SGD, dampening 0, no Nesterov): buf = mu buf + g; p -= lr * buf.
 * Slots are created eagerly, so the number of live tensors does not change after the first step.
 */
import { tf } from '../tf.js';
import type { OptimizerName } from '../../shared/options.js';
import type { NamedArrays } from './types.js';
import { stableWeightName } from '../models/params.js';

export interface OptimizerState { name: string; iterations: number; slots: NamedArrays }

export interface TrainOptimizer {
  readonly name: OptimizerName;
  /** Number of updates applied so far (Adam's t). */
  readonly iterations: number;
  /** One update with the gradients of a step (keyed by variable name; missing = no gradient). */
  apply(grads: Record<string, tf.Tensor>, learningRate: number): void;
  exportState(): Promise<OptimizerState>;
  importState(state: OptimizerState): void;
  dispose(): void;
}

export interface OptimizerOptions { momentum: number; weightDecay: number }

const ADAM = { beta1: 0.9, beta2: 0.999, eps: 1e-8 };

interface Slot { variable: tf.Variable; buffers: Record<string, tf.Variable> }

export function createOptimizer(name: OptimizerName, variables: tf.Variable[], o: OptimizerOptions): TrainOptimizer {
  if (name !== 'adam' && name !== 'sgd') throw new Error(`createOptimizer: unknown optimizer ${JSON.stringify(name)}; known: adam, sgd`);
  const bufferNames = name === 'adam' ? ['m', 'v'] : ['momentum'];
  const slots: Slot[] = variables.map((variable) => ({
    variable,
    // tidy releases the zeros tensor; the variable keeps its own reference to the data.
    buffers: Object.fromEntries(bufferNames.map((b) => [b, tf.tidy(() => tf.variable(tf.zerosLike(variable), false))])),
  }));
  let iterations = 0;

  const apply = (grads: Record<string, tf.Tensor>, lr: number): void => {
    iterations++;
    const t = iterations;
    tf.tidy(() => {
      for (const { variable: p, buffers } of slots) {
        const raw = grads[p.name];
        if (!raw) continue;
        const g = o.weightDecay > 0 ? tf.add(raw, tf.mul(p, o.weightDecay)) : raw;
        if (name === 'adam') {
          const m = tf.add(tf.mul(buffers.m, ADAM.beta1), tf.mul(g, 1 - ADAM.beta1));
          const v = tf.add(tf.mul(buffers.v, ADAM.beta2), tf.mul(tf.square(g), 1 - ADAM.beta2));
          buffers.m.assign(m);
          buffers.v.assign(v);
          const c1 = 1 - ADAM.beta1 ** t;
          const c2 = 1 - ADAM.beta2 ** t;
          const denom = tf.add(tf.sqrt(tf.div(v, c2)), ADAM.eps);
          p.assign(tf.sub(p, tf.mul(tf.div(m, denom), lr / c1)));
        } else {
          const buf = tf.add(tf.mul(buffers.momentum, o.momentum), g);
          buffers.momentum.assign(buf);
          p.assign(tf.sub(p, tf.mul(buf, lr)));
        }
      }
    });
  };

  const key = (p: tf.Variable, b: string): string => `${stableWeightName(p.name)}/${b}`;

  return {
    name,
    get iterations() { return iterations; },
    apply,
    async exportState(): Promise<OptimizerState> {
      const out: NamedArrays = {};
      for (const { variable, buffers } of slots) {
        for (const [b, v] of Object.entries(buffers)) out[key(variable, b)] = { shape: [...v.shape], data: new Float32Array((await v.data()) as Float32Array) };
      }
      return { name, iterations, slots: out };
    },
    importState(state: OptimizerState): void {
      if (state.name !== name) throw new Error(`TrainOptimizer.importState: checkpoint holds ${JSON.stringify(state.name)} state, this run uses ${JSON.stringify(name)}`);
      const problems: string[] = [];
      for (const { variable, buffers } of slots) {
        for (const [b, v] of Object.entries(buffers)) {
          const s = state.slots[key(variable, b)];
          if (!s) problems.push(`missing slot ${key(variable, b)}`);
          else if (s.data.length !== v.size) problems.push(`${key(variable, b)}: ${s.data.length} values, ${v.size} expected`);
        }
      }
      if (problems.length) throw new Error(`TrainOptimizer.importState: ${problems.slice(0, 5).join('; ')}`);
      for (const { variable, buffers } of slots) {
        for (const [b, v] of Object.entries(buffers)) tf.tidy(() => v.assign(tf.tensor(state.slots[key(variable, b)].data, v.shape, 'float32')));
      }
      iterations = state.iterations;
    },
    dispose(): void {
      for (const s of slots) for (const v of Object.values(s.buffers)) v.dispose();
    },
  };
}
