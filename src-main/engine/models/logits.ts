import { tf } from '../tf.js';
import type { ClassifierModel, LogitsFn } from './model.js';

/** What attacks see of a model: x [B,H,W,C] -> logits [B,K], inference mode (batch norm frozen). */
export function logitsFn(model: ClassifierModel, training = false): LogitsFn {
  return (x) => tf.tidy(() => {
    const o = model.forward(x, { training });
    return o.logits;
  });
}
