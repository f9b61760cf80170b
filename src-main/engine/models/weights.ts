/**
 * A model's weights as plain named arrays (checkpoints, reference weights): trainable variables
 * and state (batch-norm running statistics), keyed by their stable names (see params.ts).
 */
import type { NamedArrays } from '../train/types.js';
import type { ClassifierModel } from './model.js';
import { stableWeightName } from './params.js';
import { tf } from '../tf.js';

function namedVariables(model: ClassifierModel): Map<string, tf.Variable> {
  const out = new Map<string, tf.Variable>();
  for (const v of [...model.trainableVariables(), ...model.stateVariables()]) {
    const name = stableWeightName(v.name);
    if (out.has(name)) throw new Error(`getNamedWeights(${model.name}): two variables share the name ${JSON.stringify(name)}`);
    out.set(name, v);
  }
  return out;
}

/** Copies every weight out of the model (one asynchronous read per weight). */
export async function getNamedWeights(model: ClassifierModel): Promise<NamedArrays> {
  const out: NamedArrays = {};
  for (const [name, v] of namedVariables(model)) {
    out[name] = { shape: [...v.shape], data: new Float32Array((await v.data()) as Float32Array) };
  }
  return out;
}

export interface SetWeightsOptions {
  /** true (default): every model weight must be given and no unknown name may appear. */
  strict?: boolean;
}

/**
 * Assigns named arrays to the model's variables. Checks every name and shape before touching any
 * variable, so a bad file leaves the model unchanged.
 */
export function setNamedWeights(model: ClassifierModel, weights: NamedArrays, options: SetWeightsOptions = {}): void {
  const strict = options.strict ?? true;
  const vars = namedVariables(model);
  const problems: string[] = [];
  for (const [name, w] of Object.entries(weights)) {
    const v = vars.get(name);
    if (!v) { if (strict) problems.push(`unknown weight ${JSON.stringify(name)}`); continue; }
    const size = w.shape.reduce((a, b) => a * b, 1);
    if (w.shape.length !== v.shape.length || w.shape.some((d, i) => d !== v.shape[i])) {
      problems.push(`${name}: shape [${w.shape.join(', ')}] given, model has [${v.shape.join(', ')}]`);
    } else if (w.data.length !== size) {
      problems.push(`${name}: ${w.data.length} values for shape [${w.shape.join(', ')}] (${size} expected)`);
    }
  }
  if (strict) for (const name of vars.keys()) if (!(name in weights)) problems.push(`missing weight ${JSON.stringify(name)}`);
  if (problems.length > 0) {
    throw new Error(`setNamedWeights(${model.name}): ${problems.length} problem(s): ${problems.slice(0, 10).join('; ')}${problems.length > 10 ? '; ...' : ''}`);
  }
  for (const [name, w] of Object.entries(weights)) {
    const v = vars.get(name);
    if (v) tf.tidy(() => v.assign(tf.tensor(w.data, v.shape, 'float32')));
  }
}
