/**
 * Checkpoint files over the worker API, so no shared filesystem is needed. PUT: the bytes are streamed
 * to a temporary file in the run's checkpoint folder while hashed, checked against the stated SHA-256
 * (and a size limit), flushed to disk and renamed into place atomically; only then may the worker's
 * `checkpoint` record add the row. GET streams a stored checkpoint with its SHA-256 in a header.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { ApiError } from '../api/dispatch.js';
import { checkpointRelPath } from '../store/paths.js';
import { formatIssues } from '../shared/format-issues.js';
import type { CoordinatorState } from './coordinator-state.js';
import { requireLease } from './lease.js';

export const MAX_CHECKPOINT_BYTES = 4 * 1024 ** 3;
const DIGEST_BYTES = 32;

const PutQuery = z.object({
  runId: z.string().min(1).max(100), lease: z.string().min(1).max(300), epoch: z.coerce.number().int().min(0),
  globalStep: z.coerce.number().int().min(0), sha256: z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 in lower-case hex'),
}).strict();
const GetQuery = z.object({ runId: z.string().min(1).max(100), epoch: z.coerce.number().int().min(0) }).strict();

function query<T>(schema: z.ZodType<T>, url: URL, where: string): T {
  const p = schema.safeParse(Object.fromEntries(url.searchParams));
  if (!p.success) throw new ApiError('bad-request', `${where}: ${formatIssues(p.error)}`);
  return p.data;
}

export async function putCheckpoint(s: CoordinatorState, req: IncomingMessage, url: URL): Promise<{ ok: true }> {
  const q = query(PutQuery, url, 'PUT /worker/checkpoint');
  const where = `PUT /worker/checkpoint(run ${q.runId}, epoch ${q.epoch})`;
  requireLease(s, q.runId, q.lease, where);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > MAX_CHECKPOINT_BYTES) throw new ApiError('too-large', `${where}: ${declared} bytes is over the ${MAX_CHECKPOINT_BYTES}-byte limit`);
  const final = s.store.resolveFile(checkpointRelPath(q.runId, q.epoch));
  fs.mkdirSync(path.dirname(final), { recursive: true });
  const tmp = `${final}.upload-${crypto.randomBytes(4).toString('hex')}.tmp`;
  // A checkpoint file ends with the SHA-256 of the bytes before it (store/checkpoint-file.ts), and that digest is the
  // stored sha256: hash all but the last 32 bytes (held back while streaming), then compare both.
  const hash = crypto.createHash('sha256');
  let size = 0;
  let tail = Buffer.alloc(0);
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > MAX_CHECKPOINT_BYTES) { done(new ApiError('too-large', `${where}: over the ${MAX_CHECKPOINT_BYTES}-byte limit`)); return; }
      const all = Buffer.concat([tail, chunk]);
      const cut = Math.max(0, all.length - DIGEST_BYTES);
      hash.update(all.subarray(0, cut));
      tail = Buffer.from(all.subarray(cut));
      done(null, chunk);
    },
  });
  try {
    await pipeline(req, meter, fs.createWriteStream(tmp, { flags: 'wx' }));
    const got = hash.digest('hex');
    if (got !== q.sha256 || tail.toString('hex') !== got) {
      throw new ApiError('bad-request', `${where}: the bytes' SHA-256 is ${got} (trailer ${tail.toString('hex') || 'missing'}), the request says ${q.sha256} (${size} bytes arrived); upload it again`);
    }
    const fd = fs.openSync(tmp, 'r');
    try { fs.fsyncSync(fd); } finally { fs.closeSync(fd); }
    // The lease may have moved on while the bytes arrived: a superseded upload must not replace the holder's file.
    requireLease(s, q.runId, q.lease, where);
    fs.renameSync(tmp, final);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  s.uploads.set(`${q.runId}:${q.epoch}`, { sha256: q.sha256, size });
  return { ok: true };
}

/** Before a `checkpoint` record adds its row: the file is there with the stated SHA-256 and size. */
export function verifiedUpload(s: CoordinatorState, runId: string, epoch: number, sha256: string, size: number, where: string): void {
  const up = s.uploads.get(`${runId}:${epoch}`);
  if (up) {
    if (up.sha256 !== sha256 || up.size !== size) throw new ApiError('bad-request', `${where}: the record says ${sha256} (${size} bytes), the upload was ${up.sha256} (${up.size} bytes)`);
    return;
  }
  // Uploaded before a restart of this coordinator: check the file itself.
  const file = s.store.resolveFile(checkpointRelPath(runId, epoch));
  let bytes: Buffer;
  try { bytes = fs.readFileSync(file); } catch { throw new ApiError('conflict', `${where}: no uploaded checkpoint of epoch ${epoch}; PUT /worker/checkpoint first`); }
  const got = crypto.createHash('sha256').update(bytes.subarray(0, Math.max(0, bytes.length - DIGEST_BYTES))).digest('hex');
  if (got !== sha256 || bytes.length !== size) throw new ApiError('bad-request', `${where}: the stored upload is ${got} (${bytes.length} bytes), the record says ${sha256} (${size} bytes)`);
}

export async function getCheckpoint(s: CoordinatorState, res: ServerResponse, url: URL): Promise<void> {
  const q = query(GetQuery, url, 'GET /worker/checkpoint');
  const c = s.store.checkpoints(q.runId).find((x) => x.epoch === q.epoch);
  if (!c) throw new ApiError('not-found', `GET /worker/checkpoint: run ${q.runId} has no checkpoint of epoch ${q.epoch}`);
  const file = s.store.resolveFile(c.file);
  const st = await fs.promises.stat(file).catch(() => null);
  if (!st) throw new ApiError('not-found', `GET /worker/checkpoint: the file of run ${q.runId}'s epoch ${q.epoch} is missing; run \`ascl doctor\``);
  res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': st.size, 'X-Checkpoint-Sha256': c.sha256, 'Cache-Control': 'no-store' });
  await pipeline(fs.createReadStream(file), res);
}
