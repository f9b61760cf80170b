/**
 * `ascl eval --model PATH/model.json`: an external TensorFlow.js LayersModel (converted from Keras
 * or PyTorch) mapping [0, 1] NHWC images to logits, loaded by engine/models/external.ts.
 */
import type { LogitsFn } from '../engine/models/model.js';

const EXTERNAL_MODULE = '../engine/models/external.js';

export interface ExternalModel { logits: LogitsFn; dispose: () => void }

export async function loadExternalModel(file: string, inputShape: [number, number, number], numClasses: number): Promise<ExternalModel> {
  const spec: string = EXTERNAL_MODULE;
  let mod: Record<string, unknown>;
  try {
    mod = (await import(spec)) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`loadExternalModel(${file}): the external-model loader ${EXTERNAL_MODULE} is not available: ${(err as Error).message}`);
  }
  const load = mod.loadExternalModel;
  if (typeof load !== 'function') throw new Error(`loadExternalModel: ${EXTERNAL_MODULE} does not export loadExternalModel(path, { inputShape, numClasses })`);
  const m = (await load(file, { inputShape, numClasses })) as Partial<ExternalModel> | null;
  if (!m || typeof m.logits !== 'function' || typeof m.dispose !== 'function') {
    throw new Error(`loadExternalModel(${file}): the loader returned no { logits, dispose }`);
  }
  return m as ExternalModel;
}
