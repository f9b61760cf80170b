/**
 * The checkpoint file format: named float32 arrays plus a JSON header, sealed with a SHA-256.
 *
 *   "ASCLCKP1" | u32 LE header length | header JSON (UTF-8) | zero padding to 4 bytes |
 *   float32 LE data of every array, back to back | SHA-256 of all preceding bytes (32 bytes)
 *
 * Written atomically (temp file, fsync, rename, fsync of the folder: a crash leaves either the
 * old file or the new one, never a torn one) and verified on every load. Knows nothing of TensorFlow.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { NamedArrays } from '../shared/checkpoint.js';
import { formatIssues } from '../shared/format-issues.js';

const MAGIC = Buffer.from('ASCLCKP1', 'latin1');
const HASH_BYTES = 32;
/** A header is small (names, shapes, metadata); refuse absurd lengths before allocating. */
const MAX_HEADER_BYTES = 64 * 1024 * 1024;

export class CheckpointFileError extends Error {
  override name = 'CheckpointFileError';
}

const HeaderSchema = z.object({
  format: z.literal(1),
  endian: z.literal('le'),
  meta: z.unknown(),
  arrays: z.array(z.object({
    name: z.string().min(1),
    shape: z.array(z.number().int().min(0)),
    offset: z.number().int().min(0),
    length: z.number().int().min(0),
  }).strict()),
}).strict();

export interface CheckpointContents<M = unknown> {
  meta: M;
  arrays: NamedArrays;
}

export interface WrittenFile {
  size: number;
  sha256: string;
}

/** Writes `contents` to `file` atomically and durably; returns its size and SHA-256 (hex). */
export function writeCheckpointFile(file: string, contents: CheckpointContents): WrittenFile {
  const where = `writeCheckpointFile(${file})`;
  const names = Object.keys(contents.arrays).sort();
  let offset = 0;
  const entries = names.map((name) => {
    const { shape, data } = contents.arrays[name];
    const expected = shape.reduce((a, b) => a * b, 1);
    if (!(data instanceof Float32Array) || data.length !== expected) {
      throw new CheckpointFileError(`${where}: array ${JSON.stringify(name)} has ${data?.length} values, shape ${JSON.stringify(shape)} needs ${expected}`);
    }
    const e = { name, shape: [...shape], offset, length: data.length };
    offset += data.length;
    return e;
  });
  const header = Buffer.from(JSON.stringify({ format: 1, endian: 'le', meta: contents.meta, arrays: entries }), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(header.length);
  const pad = Buffer.alloc((4 - ((MAGIC.length + 4 + header.length) % 4)) % 4);

  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
  const hash = crypto.createHash('sha256');
  let size = 0;
  const fd = fs.openSync(tmp, 'w');
  try {
    const put = (buf: Uint8Array): void => {
      hash.update(buf);
      let written = 0;
      while (written < buf.length) written += fs.writeSync(fd, buf, written, buf.length - written);
      size += buf.length;
    };
    put(MAGIC); put(len); put(header); put(pad);
    for (const name of names) {
      const d = contents.arrays[name].data;
      put(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
    }
    const digest = hash.digest();
    let w = 0;
    while (w < digest.length) w += fs.writeSync(fd, digest, w, digest.length - w);
    size += digest.length;
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(tmp, file);
    fsyncDir(path.dirname(file));
    return { size, sha256: digest.toString('hex') };
  } catch (err) {
    try { fs.closeSync(fd); } catch { /* already closed */ }
    fs.rmSync(tmp, { force: true });
    throw new CheckpointFileError(`${where}: could not write the checkpoint (${(err as Error).message}); check free disk space`);
  }
}

/** fsync of a folder makes a rename durable on POSIX; Windows cannot open folders, and needs none. */
function fsyncDir(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = fs.openSync(dir, 'r');
  try { fs.fsyncSync(fd); } finally { fs.closeSync(fd); }
}

/** Reads and verifies a checkpoint file; any truncation, corruption or bad header throws naming the file. */
export function readCheckpointFile(file: string, expectedSha256?: string): CheckpointContents & WrittenFile {
  const where = `readCheckpointFile(${file})`;
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (err) {
    throw new CheckpointFileError(`${where}: cannot read the checkpoint: ${(err as Error).message}`);
  }
  const fail = (what: string): never => {
    throw new CheckpointFileError(`${where}: the checkpoint is corrupt or truncated (${what}); resume from an earlier checkpoint or delete the run`);
  };
  if (buf.length < MAGIC.length + 4 + HASH_BYTES) fail(`only ${buf.length} bytes`);
  if (!buf.subarray(0, MAGIC.length).equals(MAGIC)) fail('not an ASCL checkpoint: bad magic bytes');
  const body = buf.subarray(0, buf.length - HASH_BYTES);
  const digest = crypto.createHash('sha256').update(body).digest('hex');
  if (digest !== buf.subarray(buf.length - HASH_BYTES).toString('hex')) fail('SHA-256 mismatch');
  if (expectedSha256 !== undefined && digest !== expectedSha256) {
    fail(`SHA-256 ${digest.slice(0, 12)}... differs from the ${expectedSha256.slice(0, 12)}... recorded in the store`);
  }
  const headerLen = buf.readUInt32LE(MAGIC.length);
  if (headerLen > MAX_HEADER_BYTES || MAGIC.length + 4 + headerLen > body.length) fail(`header length ${headerLen}`);
  let raw: unknown;
  try {
    raw = JSON.parse(buf.subarray(MAGIC.length + 4, MAGIC.length + 4 + headerLen).toString('utf8'));
  } catch (err) {
    return fail(`header is not JSON: ${(err as Error).message}`);
  }
  const parsed = HeaderSchema.safeParse(raw);
  if (!parsed.success) return fail(`bad header: ${formatIssues(parsed.error, raw)}`);
  const dataStart = MAGIC.length + 4 + headerLen + ((4 - ((MAGIC.length + 4 + headerLen) % 4)) % 4);
  const floats = (body.length - dataStart) / 4;
  if (!Number.isInteger(floats) || floats < 0) fail('data section is not whole float32 values');
  const arrays: NamedArrays = {};
  for (const a of parsed.data.arrays) {
    const expected = a.shape.reduce((x, y) => x * y, 1);
    if (expected !== a.length || a.offset + a.length > floats) fail(`array ${JSON.stringify(a.name)} lies outside the data`);
    const start = dataStart + a.offset * 4;
    // Copy: the file buffer's byteOffset need not be 4-aligned.
    const data = new Float32Array(a.length);
    new Uint8Array(data.buffer).set(body.subarray(start, start + a.length * 4));
    arrays[a.name] = { shape: a.shape, data };
  }
  return { meta: parsed.data.meta, arrays, size: buf.length, sha256: digest };
}
