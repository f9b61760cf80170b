/**
 * One training step: the objective's adversary (outside the tape), its loss plus the model's own
 * regularisation (recorded as `l2`) and their gradients, a finite check, the optimiser's update. Exported on its own so `npm run bench` can time it.
 */
import { tf } from '../tf.js';
import type { RunConfig } from '../../shared/run-config.js';
import type { ClassifierModel } from '../models/model.js';
import type { Objective, ObjectiveContext } from '../objectives/objective.js';
import type { Rng } from '../rng.js';
import type { TrainOptimizer } from './optimizer.js';
import type { Terms } from './types.js';

export interface TrainStepSetup {
  model: ClassifierModel;
  objective: Objective;
  optimizer: TrainOptimizer;
  config: RunConfig;
  eps: number;
  stepSize: number;
  rng: Rng;
}

export interface StepCall {
  epoch: number;
  step: number;
  learningRate: number;
  augment?: ObjectiveContext['augment'];
  /** Receives the selection masks [2B, 2B] (row-major 0/1) of the step's contrastive term, read with the loss. */
  onSelectionMasks?: (positive: Float32Array, negative: Float32Array, n: number) => void;
}

export interface StepResult { loss: number; terms: Terms }

/** A non-finite loss or term: names the epoch, the step and the offending values. */
export class NonFiniteLossError extends Error {
  override name = 'NonFiniteLossError';
}

/**
 * Returns step(x [B,H,W,C], y [B] int32, call) -> loss and recorded terms as plain numbers.
 * x and y stay owned by the caller; everything the step creates is released before it resolves.
 * One asynchronous read per step: the loss, every term and (when asked) the selection masks in one
 * `data()` after the tape, before the optimiser's update. Contrastive objectives also read their 2B
 * labels and predictions once inside the tape (selection/pairs.ts), where tfjs cannot await.
 */
export function makeTrainStep(s: TrainStepSetup): (x: tf.Tensor4D, y: tf.Tensor1D, call: StepCall) => Promise<StepResult> {
  const variables = s.model.trainableVariables();
  return async (x, y, call) => {
    let masks: { positive: tf.Tensor2D; negative: tf.Tensor2D } | null = null;
    const ctx: ObjectiveContext = {
      model: s.model, config: s.config, eps: s.eps, stepSize: s.stepSize, rng: s.rng,
      epoch: call.epoch, step: call.step, augment: call.augment,
      onSelectionMasks: call.onSelectionMasks ? (positive, negative) => {
        if (masks) {
          tf.dispose([positive, negative]);
          throw new Error(`${s.objective.name}.loss: selection masks handed over twice in one step`);
        }
        masks = { positive, negative };
      } : undefined,
    };
    const prepared = s.objective.prepare(ctx, x, y);
    const names: string[] = [];
    const kept: tf.Scalar[] = [];
    let grads: tf.NamedTensorMap = {};
    let value: tf.Scalar | null = null;
    let packed: tf.Tensor1D | null = null;
    try {
      const record = (name: string, v: tf.Scalar): void => {
        if (names.includes(name)) throw new Error(`${s.objective.name}.loss: term ${JSON.stringify(name)} recorded twice in one step`);
        names.push(name);
        kept.push(tf.keep(v));
      };
      const r = tf.variableGrads(() => {
        const objective = s.objective.loss(ctx, prepared, record);
        if (!s.model.regularization) return objective;
        // The model's own loss terms ([29]'s L2 on the conv kernels, as Keras adds layer losses).
        const penalty = s.model.regularization();
        record('l2', penalty);
        return tf.add(objective, penalty) as tf.Scalar;
      }, variables);
      grads = r.grads;
      value = r.value;
      // One read for the loss, every term and the masks: [1 + T (+ 2 n^2)].
      const m = masks as { positive: tf.Tensor2D; negative: tf.Tensor2D } | null;
      packed = tf.tidy(() => {
        const scalars = tf.stack([value as tf.Scalar, ...kept]) as tf.Tensor1D;
        return m ? tf.concat([scalars, tf.reshape(m.positive, [-1]), tf.reshape(m.negative, [-1])]) as tf.Tensor1D : scalars;
      });
      const values = (await packed.data()) as Float32Array;
      if (m && call.onSelectionMasks) {
        const n = m.positive.shape[0], from = 1 + kept.length;
        call.onSelectionMasks(values.subarray(from, from + n * n), values.subarray(from + n * n, from + 2 * n * n), n);
      }
      const loss = values[0];
      const terms: Terms = {};
      names.forEach((n, k) => { terms[n] = values[k + 1]; });
      const bad = [['loss', loss] as const, ...Object.entries(terms)].filter(([, v]) => !Number.isFinite(v));
      if (bad.length > 0) {
        throw new NonFiniteLossError(`train: non-finite loss at epoch ${call.epoch}, step ${call.step} (${s.objective.name}): ${bad.map(([n, v]) => `${n}=${v}`).join(', ')}; lower the learning rate or check the inputs`);
      }
      s.optimizer.apply(grads, call.learningRate);
      return { loss, terms };
    } finally {
      tf.dispose(Object.values(grads));
      if (value) value.dispose();
      tf.dispose(kept);
      if (packed) packed.dispose();
      const m = masks as { positive: tf.Tensor2D; negative: tf.Tensor2D } | null;
      if (m) tf.dispose([m.positive, m.negative]);
      if (prepared.xAdv && prepared.xAdv !== x) prepared.xAdv.dispose();
    }
  };
}
