/**
 * Maps the trainer's TrainCheckpoint (engine/train/types.ts) to the checkpoint file format and
 * back, validating the metadata with a schema on load: a file from disk is untrusted input.
 */
import { z } from 'zod';
import type { NamedArrays, TrainCheckpoint } from '../shared/checkpoint.js';
import { BACKENDS } from '../shared/options.js';
import { formatIssues } from '../shared/format-issues.js';
import { readStoredConfig, toStoredConfig } from '../shared/config-migrations.js';
import { CheckpointFileError, readCheckpointFile, writeCheckpointFile, type WrittenFile } from './checkpoint-file.js';

const MetaSchema = z.object({
  kind: z.literal('train-checkpoint'),
  epoch: z.number().int().min(0),
  globalStep: z.number().int().min(0),
  optimizer: z.object({ name: z.string(), iterations: z.number().int().min(0) }).strict(),
  rngState: z.number().int().min(0).max(2 ** 32 - 1),
  config: z.record(z.string(), z.unknown()),
  backend: z.enum(BACKENDS).exclude(['auto']),
}).strict();

const WEIGHTS = 'weights/';
const SLOTS = 'slots/';

export function writeTrainCheckpoint(file: string, c: TrainCheckpoint): WrittenFile {
  const arrays: NamedArrays = {};
  for (const [k, v] of Object.entries(c.weights)) arrays[WEIGHTS + k] = v;
  for (const [k, v] of Object.entries(c.optimizer.slots)) arrays[SLOTS + k] = v;
  const meta: z.infer<typeof MetaSchema> = {
    kind: 'train-checkpoint', epoch: c.epoch, globalStep: c.globalStep,
    optimizer: { name: c.optimizer.name, iterations: c.optimizer.iterations },
    rngState: c.rngState >>> 0, config: toStoredConfig(c.config), backend: c.backend,
  };
  return writeCheckpointFile(file, { meta, arrays });
}

export function readTrainCheckpoint(file: string, expectedSha256?: string): TrainCheckpoint {
  const { meta, arrays } = readCheckpointFile(file, expectedSha256);
  const m = MetaSchema.safeParse(meta);
  if (!m.success) {
    throw new CheckpointFileError(`readTrainCheckpoint(${file}): not a training checkpoint: ${formatIssues(m.error, meta)}`);
  }
  const weights: NamedArrays = {};
  const slots: NamedArrays = {};
  for (const [k, v] of Object.entries(arrays)) {
    if (k.startsWith(WEIGHTS)) weights[k.slice(WEIGHTS.length)] = v;
    else if (k.startsWith(SLOTS)) slots[k.slice(SLOTS.length)] = v;
    else throw new CheckpointFileError(`readTrainCheckpoint(${file}): unexpected array ${JSON.stringify(k)}`);
  }
  return {
    epoch: m.data.epoch, globalStep: m.data.globalStep,
    weights, optimizer: { name: m.data.optimizer.name, iterations: m.data.optimizer.iterations, slots },
    rngState: m.data.rngState, config: readStoredConfig(m.data.config, `readTrainCheckpoint(${file})`), backend: m.data.backend,
  };
}
