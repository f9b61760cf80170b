/**
 * The one place the engine imports TensorFlow.js core from. Gradients are registered here
 * once (tfjs-core alone ships none). Backends are chosen in ./backend/.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';

export { tf };
export type Tensor = tf.Tensor;
