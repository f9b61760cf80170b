/**
 * The training thread's messages as a remote worker relays them (TrainRecord.message and .steps of wire.ts),
 * validated before the coordinator lets them near the store: the same FromWorker shapes as service/protocol.ts.
 * Numbers may be NaN (R-DIV terms before they are measured): they arrive decoded by fromWireJson.
 */
import { z } from 'zod';
import { RunDeviceSchema } from '../shared/run-device.js';
import { BACKENDS } from '../shared/options.js';

const BACKEND_NAMES = BACKENDS.filter((b) => b !== 'auto') as ['tensorflow', 'webgpu', 'wasm', 'cpu'];
import type { FromWorker } from '../service/protocol.js';

const int = z.number().int().min(0);
// Any number, NaN and +-Infinity included (zod's number() refuses them; an unmeasured term is NaN).
const num = z.custom<number>((v) => typeof v === 'number', 'a number');
const terms = z.record(z.string().max(100), num);
const sha256 = z.string().regex(/^[0-9a-f]{64}$/);

export const StepMessageSchema = z.object({
  kind: z.literal('step'), time: num,
  m: z.object({ epoch: z.number().int().min(1), step: int, stepInEpoch: int, stepsPerEpoch: z.number().int().min(1), loss: num, terms, learningRate: num, samplesPerSecond: num }).strip(),
}).strip();

const member = z.object({ index: int, adversarial: z.boolean() }).strip();

export const RemoteMessageSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('started'), backend: z.enum(BACKEND_NAMES), device: RunDeviceSchema.nullable() }).strip(),
  z.object({ kind: z.literal('resumed'), epoch: int, globalStep: int, skipped: z.array(z.string().max(5000)).max(100) }).strip(),
  z.object({ kind: z.literal('dataset'), fingerprint: sha256 }).strip(),
  z.object({ kind: z.literal('epoch'), m: z.object({
    epoch: z.number().int().min(1), natAccuracy: num, pgdAccuracy: num, trainAccuracy: num, learningRate: num, seconds: num, terms,
    deadLatentFraction: num.nullable().optional(), collapseWarning: z.string().max(5000).nullable().optional(),
  }).strip() }).strip(),
  z.object({ kind: z.literal('checkpoint'), epoch: int, globalStep: int, file: z.string().max(1000), size: int, sha256 }).strip(),
  z.object({ kind: z.literal('selection'), s: z.object({ epoch: int, anchorIndex: int, anchorLabel: int, positives: z.array(member).max(100_000), negatives: z.array(member).max(100_000) }).strip() }).strip(),
  z.object({ kind: z.literal('done'), status: z.enum(['completed', 'cancelled']), epochs: int }).strip(),
  z.object({ kind: z.literal('error'), message: z.string().max(20_000) }).strip(),
]);

export type RemoteMessage = z.infer<typeof RemoteMessageSchema>;
export type RemoteStep = Extract<FromWorker, { kind: 'step' }>;
