/** The engine model of a stored run's checkpoint (SHA-256 verified), shaped for the dataset it is used on. */
import type { RunConfig } from '../shared/run-config.js';
import type { Dataset } from '../engine/data/index.js';
import { createModel, setNamedWeights } from '../engine/models/index.js';
import type { ClassifierModel } from '../engine/models/model.js';
import { readTrainCheckpoint } from '../store/train-checkpoint.js';

export function modelFromCheckpoint(file: string, sha256: string, config: RunConfig, data: Dataset): ClassifierModel {
  const c = readTrainCheckpoint(file, sha256);
  const model = createModel(config.model, {
    inputShape: [data.height, data.width, data.channels], numClasses: data.numClasses, projectionHead: config.projectionHead, seed: config.seed,
    batchNorm: config.batchNorm, latent: config.latent, resnetSetting: config.resnetSetting,
  });
  setNamedWeights(model, c.weights);
  return model;
}
