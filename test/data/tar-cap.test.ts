/**
 * The size cap of dataset archives: a .tar.gz whose inflated size is over the limit (here a
 * 4 MiB archive of zeros, compressed to a few KiB, read with a 1 MiB cap) is refused with a
 * DatasetError naming the file and the limit; under the cap the same archive reads.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetError } from '../../src-main/engine/data/dataset.js';
import { MAX_TAR_BYTES, readTarGz } from '../../src-main/engine/data/tar.js';
import { tarGz } from './fixtures.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ascl-tarcap-'));
const bomb = path.join(dir, 'bomb.tar.gz');
fs.writeFileSync(bomb, tarGz([{ name: 'x/data_batch_1.bin', data: Buffer.alloc(4 * 1024 ** 2) }]));

describe('readTarGz size cap', () => {
  it('the documented default cap is 1 GiB', () => {
    expect(MAX_TAR_BYTES).toBe(1024 ** 3);
  });

  it('4 MiB inflated from a small .tar.gz with a 1 MiB cap: DatasetError naming the file and the limit', () => {
    expect(fs.statSync(bomb).size).toBeLessThan(64 * 1024);
    let err: unknown;
    try { readTarGz(bomb, 1024 ** 2); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(DatasetError);
    expect((err as Error).message).toMatch(/bomb\.tar\.gz: the decompressed archive is larger than the 1 MiB limit/);
  });

  it('a plain file over the cap is refused before it is read (cap 1 KiB, archive of a few KiB)', () => {
    expect(() => readTarGz(bomb, 1024)).toThrow(/bomb\.tar\.gz: the file is larger than the 0\.001 MiB limit/);
  });

  it('under the cap (8 MiB) the same archive reads: one entry of 4 MiB', () => {
    const entries = readTarGz(bomb, 8 * 1024 ** 2);
    expect(entries.map((e) => [e.name, e.data.length])).toEqual([['x/data_batch_1.bin', 4 * 1024 ** 2]]);
  });
});
