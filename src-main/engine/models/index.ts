/** Model registry: one model per file, registered here by name; `createModel` is the entry point. */
import { Registry } from '../registry.js';
import { MODELS, type ModelName } from '../../shared/options.js';
import type { ClassifierModel, ModelFactory, ModelSpec } from './model.js';
import { smallCnnFactory } from './small-cnn.js';
import { cnnFactory } from './cnn.js';
import { resnet20Factory, resnet50Factory } from './resnet.js';

export const modelRegistry = new Registry<ModelName, ModelFactory>('model', MODELS, {
  'small-cnn': smallCnnFactory, cnn: cnnFactory, resnet20: resnet20Factory, resnet50: resnet50Factory,
});

export function createModel(name: ModelName, spec: ModelSpec): ClassifierModel {
  const [h, w, c] = spec.inputShape;
  if (![h, w, c].every((n) => Number.isInteger(n) && n > 0)) {
    throw new Error(`createModel(${name}): inputShape must be three positive integers [H, W, C], got ${JSON.stringify(spec.inputShape)}`);
  }
  if (!Number.isInteger(spec.numClasses) || spec.numClasses < 2) {
    throw new Error(`createModel(${name}): numClasses must be an integer >= 2, got ${JSON.stringify(spec.numClasses)}`);
  }
  return modelRegistry.get(name).create(spec);
}

export { getNamedWeights, setNamedWeights } from './weights.js';
export { stableWeightName } from './params.js';
export type { ClassifierModel, ModelSpec, ModelOutput, ForwardOptions, LogitsFn } from './model.js';
export { logitsFn } from './logits.js';
export { loadExternalModel, readLayersModelFiles, readLayersModelWeights, ExternalModelError } from './external.js';
