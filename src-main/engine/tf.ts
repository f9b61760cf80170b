/**
 * The one place the engine imports TensorFlow.js core from. Gradients are registered here
 * once (tfjs-core alone ships none). Backends are chosen in ./backend/.
 *
 * Gradients come from tfjs-layers' Node bundle, which registers every tfjs-core gradient in
 * the global registry: tfjs-core's own `dist/register_all_gradients.js` is ESM with
 * extensionless and directory imports that Node's ESM loader (tsx, workers) rejects. Comparisons
 * get zero gradients (./bool-gradients.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import { registerBoolGradients } from './bool-gradients.js';

registerBoolGradients();

export { tf };
export type Tensor = tf.Tensor;
