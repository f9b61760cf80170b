/**
 * Checkpoints downloaded from the coordinator into the worker's cache folder, at the same relative
 * path the store uses (store/paths.ts checkpointRelPath), so a TrainJob's `home` can be the cache
 * folder and its resume candidates the downloaded files. Every download is checked against the
 * SHA-256 seal the coordinator recorded (checkpoint-seal.ts) and written atomically (a torn file is never left for a resume).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { checkpointRelPath, resolveInside } from '../store/paths.js';
import type { CoordinatorClient } from './coordinator-client.js';
import type { CheckpointRef } from './wire.js';
import { retry, type Reachability } from './retry.js';
import { checkpointSeal } from './checkpoint-seal.js';

export interface CachedCheckpoint { epoch: number; file: string; sha256: string; absolute: string }


/** Downloads `ref` (retried while the coordinator is unreachable) unless the cache holds it already. */
export async function fetchCheckpoint(
  client: Pick<CoordinatorClient, 'getCheckpoint'>, reach: Reachability, home: string, ref: CheckpointRef, shouldStop?: () => boolean,
): Promise<CachedCheckpoint> {
  const file = checkpointRelPath(ref.runId, ref.epoch);
  const absolute = resolveInside(home, file, 'fetchCheckpoint');
  if (fs.existsSync(absolute) && checkpointSeal(fs.readFileSync(absolute)) === ref.sha256) return { epoch: ref.epoch, file, sha256: ref.sha256, absolute };
  const what = `GET /worker/checkpoint (run ${ref.runId}, epoch ${ref.epoch})`;
  const { bytes, sha256: stated } = await retry(() => client.getCheckpoint(ref.runId, ref.epoch), { what, reach, shouldStop });
  // The checkpoint format's seal (checkpoint-seal.ts), as the store records it; null: the bytes are not an intact checkpoint.
  const got = checkpointSeal(bytes);
  if (got !== ref.sha256 || (stated !== null && stated !== ref.sha256)) {
    throw new Error(`fetchCheckpoint(run ${ref.runId}, epoch ${ref.epoch}): the download's SHA-256 seal ${got?.slice(0, 12) ?? '(broken)'}... ` +
      `(header ${stated?.slice(0, 12) ?? 'none'}) differs from the recorded ${ref.sha256.slice(0, 12)}...; ${bytes.length} of ${ref.size} bytes`);
  }
  writeAtomically(absolute, bytes);
  return { epoch: ref.epoch, file, sha256: ref.sha256, absolute };
}

function writeAtomically(file: string, bytes: Buffer): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
  try {
    fs.writeFileSync(tmp, bytes, { flush: true });
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw new Error(`fetchCheckpoint: cannot write ${file} (${(err as Error).message}); check the --cache folder and free disk space`);
  }
}

/** Removes a run's cached checkpoints (after its job ended here: the coordinator holds them). */
export function dropCachedRun(home: string, runId: string): void {
  const dir = path.dirname(resolveInside(home, checkpointRelPath(runId, 0), 'dropCachedRun'));
  fs.rmSync(dir, { recursive: true, force: true });
}
