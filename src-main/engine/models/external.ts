/**
 * Any TensorFlow.js LayersModel (`model.json` + weight files) as a ClassifierModel: logits are
 * the model's output, the latent z is the input of its last Dense layer. Files are read with
 * our own tf.io handler (no fetch, no file:// support needed) after a zod check of model.json,
 * so a bad file gets an error naming it and the problem.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import * as tfl from '@tensorflow/tfjs-layers';
import { tf } from '../tf.js';
import type { NamedArrays } from '../train/types.js';
import type { ClassifierModel, ForwardOptions, LogitsFn, ModelOutput } from './model.js';
import { logitsFn } from './logits.js';

export class ExternalModelError extends Error {
  override name = 'ExternalModelError';
}

const weightEntry = z.object({
  name: z.string().min(1),
  shape: z.array(z.number().int().nonnegative()),
  dtype: z.enum(['float32', 'int32', 'bool']),
  quantization: z.unknown().optional(),
});

/** The parts of model.json we rely on (tfjs `ModelJSON`, layers-model format). */
export const layersModelJsonSchema = z.object({
  format: z.string().optional(),
  generatedBy: z.string().optional(),
  convertedBy: z.string().nullable().optional(),
  modelTopology: z.object({ class_name: z.string(), config: z.record(z.string(), z.unknown()) }).passthrough(),
  weightsManifest: z.array(z.object({ paths: z.array(z.string().min(1)).min(1), weights: z.array(weightEntry) })).min(1),
}).passthrough();
export type LayersModelJson = z.infer<typeof layersModelJsonSchema>;

export interface LayersModelFiles { json: LayersModelJson; artifacts: tf.io.ModelArtifacts; where: string }

/** `p`: model.json or the folder holding it. Checks the JSON and that every weight file exists with the right size. */
export function readLayersModelFiles(p: string): LayersModelFiles {
  const file = fs.existsSync(p) && fs.statSync(p).isDirectory() ? path.join(p, 'model.json') : p;
  let raw: unknown;
  try { raw = JSON.parse(fs.readFileSync(file, 'utf8')); } catch (e) {
    throw new ExternalModelError(`readLayersModelFiles: cannot read ${file} as JSON: ${(e as Error).message}`);
  }
  const fmt = (raw as { format?: unknown } | null)?.format;
  if (fmt === 'graph-model' || (raw as { modelTopology?: { node?: unknown } } | null)?.modelTopology?.node !== undefined) {
    throw new ExternalModelError(`readLayersModelFiles: ${file} is a TensorFlow.js GraphModel, not a LayersModel; convert it with --output_format=tfjs_layers_model`);
  }
  const parsed = layersModelJsonSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ExternalModelError(`readLayersModelFiles: ${file} is not a TensorFlow.js LayersModel: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const json = parsed.data;
  const dir = path.dirname(file);
  const buffers: Buffer[] = [];
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  for (const group of json.weightsManifest) {
    const bytesNeeded = group.weights.reduce((a, w) => a + 4 * w.shape.reduce((p2, d) => p2 * d, 1), 0);
    let have = 0;
    for (const rel of group.paths) {
      const wf = path.resolve(dir, rel);
      if (path.relative(dir, wf).startsWith('..')) throw new ExternalModelError(`readLayersModelFiles: ${file}: weight path ${JSON.stringify(rel)} leaves the model's folder`);
      if (!fs.existsSync(wf)) throw new ExternalModelError(`readLayersModelFiles: weights file ${wf} named in ${file} is missing`);
      const b = fs.readFileSync(wf);
      buffers.push(b);
      have += b.length;
    }
    if (group.weights.some((w) => w.quantization !== undefined)) {
      throw new ExternalModelError(`readLayersModelFiles: ${file}: quantized weights are not supported`);
    }
    if (have !== bytesNeeded) {
      throw new ExternalModelError(`readLayersModelFiles: ${group.paths.join(', ')}: ${have} bytes, the manifest in ${file} needs ${bytesNeeded}`);
    }
    weightSpecs.push(...(group.weights as tf.io.WeightsManifestEntry[]));
  }
  const all = Buffer.concat(buffers);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  return {
    json, where: file,
    artifacts: { modelTopology: json.modelTopology as tf.io.ModelArtifacts['modelTopology'], weightSpecs, weightData, format: json.format, generatedBy: json.generatedBy, convertedBy: json.convertedBy ?? undefined },
  };
}

/** The model's weights as named arrays (manifest names), e.g. to load into a model of ours. */
export async function readLayersModelWeights(p: string): Promise<NamedArrays> {
  const { artifacts } = readLayersModelFiles(p);
  const tensors = tf.io.decodeWeights(artifacts.weightData as ArrayBuffer, artifacts.weightSpecs ?? []);
  const out: NamedArrays = {};
  try {
    for (const [name, t] of Object.entries(tensors)) out[name] = { shape: [...t.shape], data: new Float32Array((await t.data()) as Float32Array) };
  } finally {
    tf.dispose(Object.values(tensors));
  }
  return out;
}

function variablesOf(ws: tfl.LayerVariable[]): tf.Variable[] {
  return ws.map((w) => {
    const v = w.read();
    if (!(v instanceof tf.Variable)) throw new ExternalModelError(`loadExternalModel: weight ${w.name} is not backed by a tf.Variable`);
    return v;
  });
}

export interface ExternalModelOptions {
  /** Expected [H, W, C] of the data; a model with another input shape is refused. */
  inputShape?: [number, number, number];
  numClasses?: number;
}

/** A ClassifierModel plus its LogitsFn (inference mode), what `ascl eval --model` needs. */
export type ExternalClassifier = ClassifierModel & { logits: LogitsFn };

export async function loadExternalModel(p: string, options: ExternalModelOptions = {}): Promise<ExternalClassifier> {
  const files = readLayersModelFiles(p);
  let model: tfl.LayersModel;
  try {
    model = await tfl.loadLayersModel({ load: async () => files.artifacts });
  } catch (e) {
    throw new ExternalModelError(`loadExternalModel: ${files.where}: TensorFlow.js could not build the model: ${(e as Error).message}`);
  }
  const fail = (msg: string): never => { model.dispose(); throw new ExternalModelError(`loadExternalModel: ${files.where}: ${msg}`); };
  if (model.inputs.length !== 1 || model.outputs.length !== 1) fail(`needs one input and one output, has ${model.inputs.length} and ${model.outputs.length}`);
  const inShape = model.inputs[0].shape;
  if (inShape.length !== 4 || inShape.slice(1).some((d) => d === null)) fail(`input shape ${JSON.stringify(inShape)} is not [null, H, W, C]`);
  const inputShape = inShape.slice(1) as [number, number, number];
  if (options.inputShape && options.inputShape.some((d, i) => d !== inputShape[i])) {
    fail(`input shape [${inputShape.join(', ')}] does not match the data's [${options.inputShape.join(', ')}]`);
  }
  const outShape = model.outputs[0].shape;
  if (outShape.length !== 2 || outShape[1] === null) fail(`output shape ${JSON.stringify(outShape)} is not [null, K] logits`);
  const numClasses = outShape[1] as number;
  if (options.numClasses !== undefined && options.numClasses !== numClasses) fail(`outputs ${numClasses} classes, the data has ${options.numClasses}`);
  const last = model.layers[model.layers.length - 1];
  if (last.getClassName() !== 'Dense') fail(`the last layer is ${last.getClassName()}, expected Dense (its input is the latent z)`);
  const activation = (last.getConfig() as { activation?: unknown }).activation;
  if (activation !== undefined && activation !== 'linear') fail(`the last Dense layer has activation ${JSON.stringify(activation)}; attacks need logits (activation "linear")`);
  // A second view of the same layers that also returns the last Dense layer's input.
  const both = tfl.model({ inputs: model.inputs, outputs: [last.input as tfl.SymbolicTensor, model.outputs[0]] });
  const latentDim = (last.input as tfl.SymbolicTensor).shape[1] as number;

  const classifier: ClassifierModel = {
    name: 'external', numClasses, latentDim, inputShape, projectionHead: 'none',
    forward(x: tf.Tensor4D, o: ForwardOptions): ModelOutput {
      const [latent, logits] = tf.tidy(() => both.apply(x, { training: o.training }) as tf.Tensor[]);
      return { logits: logits as tf.Tensor2D, latent: latent as tf.Tensor2D, projection: null };
    },
    trainableVariables: () => variablesOf(model.trainableWeights),
    stateVariables: () => variablesOf(model.nonTrainableWeights),
    dispose: () => model.dispose(),
  };
  return { ...classifier, logits: logitsFn(classifier) };
}
