/**
 * Owns a model's variables. tfjs variable names are global to the engine, so each model
 * instance prefixes its variables with `<model>#<n>/`; the part after the prefix is the
 * stable name used in checkpoints (`conv1/kernel`, `layer1.0/bn1/moving_mean`, ...), see
 * `stableWeightName`.
 */
import { tf } from '../tf.js';
import { Rng } from '../rng.js';

let instanceCounter = 0;

/** Standard deviation of a standard normal truncated to [-2, 2] (scipy.stats.truncnorm(-2, 2).std()). */
export const TRUNCATED_NORMAL_STD = 0.87962566103423978;

/** `<model>#<n>/conv1/kernel` -> `conv1/kernel`; names without the prefix are returned as they are. */
export function stableWeightName(variableName: string): string {
  const m = /^[^#/]+#\d+\//.exec(variableName);
  return m ? variableName.slice(m[0].length) : variableName;
}

export class ParamStore {
  readonly prefix: string;
  private readonly rng: Rng;
  private readonly trainable: tf.Variable[] = [];
  private readonly state: tf.Variable[] = [];
  private readonly names = new Set<string>();

  constructor(modelName: string, seed: number) {
    this.prefix = `${modelName}#${instanceCounter++}/`;
    this.rng = new Rng(seed);
  }

  private add(name: string, shape: number[], values: Float32Array, trainable: boolean): tf.Variable {
    if (this.names.has(name)) throw new Error(`ParamStore.add: duplicate weight name ${JSON.stringify(name)}`);
    this.names.add(name);
    const v = tf.tidy(() => tf.variable(tf.tensor(values, shape, 'float32'), trainable, this.prefix + name));
    (trainable ? this.trainable : this.state).push(v);
    return v;
  }

  /** U(-bound, bound), drawn from the store's seeded Rng (identical on every backend). */
  uniform(name: string, shape: number[], bound: number): tf.Variable {
    const n = shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(n);
    for (let i = 0; i < n; i++) values[i] = (2 * this.rng.next() - 1) * bound;
    return this.add(name, shape, values, true);
  }

  /**
   * Keras' he_normal (VarianceScaling(2, fan_in, 'normal') of Keras 2.2.4, the version [29] names):
   * a normal of sigma = sqrt(2 / fanIn) / 0.87962566103423978 truncated at +-2 sigma (values beyond are
   * drawn again), so that the samples' standard deviation is sqrt(2 / fanIn); 0.8796... is the
   * standard deviation of a standard normal truncated to [-2, 2]. Box-Muller on the seeded Rng.
   */
  heNormal(name: string, shape: number[], fanIn: number): tf.Variable {
    const n = shape.reduce((a, b) => a * b, 1);
    const sigma = Math.sqrt(2 / Math.max(1, fanIn)) / TRUNCATED_NORMAL_STD;
    const values = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      let v: number;
      do {
        v = Math.sqrt(-2 * Math.log(1 - this.rng.next())) * Math.cos(2 * Math.PI * this.rng.next());
      } while (Math.abs(v) > 2);
      values[i] = v * sigma;
    }
    return this.add(name, shape, values, true);
  }

  constant(name: string, shape: number[], value: number, trainable: boolean): tf.Variable {
    const n = shape.reduce((a, b) => a * b, 1);
    return this.add(name, shape, new Float32Array(n).fill(value), trainable);
  }

  trainableVariables(): tf.Variable[] { return [...this.trainable]; }
  stateVariables(): tf.Variable[] { return [...this.state]; }

  dispose(): void {
    for (const v of [...this.trainable, ...this.state]) v.dispose();
    this.trainable.length = 0;
    this.state.length = 0;
  }
}
