/** The checkpoint's SHA-256 on the wire is the file format's seal, computed the same whole or streamed in chunks. */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SealHasher, checkpointSeal } from '../../src-main/queue/checkpoint-seal.js';
import { writeCheckpointFile } from '../../src-main/store/checkpoint-file.js';

describe('checkpoint seal', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seal-'));
  const file = path.join(dir, 'c.ckpt');
  const written = writeCheckpointFile(file, { meta: { x: 1 }, arrays: { w: { shape: [1000], data: Float32Array.from({ length: 1000 }, (_, i) => i / 7) } } });
  const bytes = fs.readFileSync(file);

  it('equals the SHA-256 the store records (writeCheckpointFile), not the whole file\'s', () => {
    expect(checkpointSeal(bytes)).toBe(written.sha256);
    expect(crypto.createHash('sha256').update(bytes).digest('hex')).not.toBe(written.sha256);
  });

  it.each([1, 7, 31, 32, 33, 1000])('streamed in %i-byte chunks gives the same seal, sealed', (n) => {
    const h = new SealHasher();
    for (let i = 0; i < bytes.length; i += n) h.update(bytes.subarray(i, i + n));
    expect(h.digest()).toEqual({ seal: written.sha256, sealed: true });
    expect(h.size).toBe(bytes.length);
  });

  it('a file with one flipped byte or cut short is not sealed (null)', () => {
    const flipped = Buffer.from(bytes);
    flipped[100] ^= 1;
    expect(checkpointSeal(flipped)).toBeNull();
    expect(checkpointSeal(bytes.subarray(0, bytes.length - 1))).toBeNull();
    expect(checkpointSeal(Buffer.alloc(10))).toBeNull();
  });
});
