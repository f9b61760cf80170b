/**
 * A minimal reader for (gzipped) POSIX ustar / GNU tar archives, enough for the official CIFAR
 * archives: regular files only, GNU long names ('L') and pax path records ('x') honoured.
 * The whole archive is inflated in memory (CIFAR-10: 162 MB -> 185 MB) and entries are views
 * into that buffer, so reading costs one gunzip and no copies. Inflation stops at
 * MAX_TAR_BYTES (1 GiB, five times CIFAR-100's 185 MB): a larger (or maliciously compressed)
 * archive is refused with a DatasetError naming the file, never inflated without bound.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import { DatasetError } from './dataset.js';

export interface TarEntry { name: string; data: Buffer }

const BLOCK = 512;

/** Largest archive read, after decompression, in bytes (changeable only here, or per call in tests). */
export const MAX_TAR_BYTES = 1024 ** 3;

const mib = (n: number): string => `${(n / 1024 ** 2).toFixed(n < 1024 ** 2 ? 3 : 0)} MiB`;

function field(header: Buffer, offset: number, length: number): string {
  const raw = header.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end === -1 ? length : end).toString('utf8');
}

function octal(header: Buffer, offset: number, length: number, file: string): number {
  const s = field(header, offset, length).trim();
  if (!/^[0-7]*$/.test(s)) throw new DatasetError(`readTar: ${file}: bad size field ${JSON.stringify(s)} in a tar header (not a tar archive, or corrupt)`);
  return s === '' ? 0 : parseInt(s, 8);
}

/** Parses an uncompressed tar buffer; `file` names the archive in error messages. */
export function readTar(tar: Buffer, file: string): TarEntry[] {
  const entries: TarEntry[] = [];
  let offset = 0;
  let longName: string | null = null;
  while (offset + BLOCK <= tar.length) {
    const header = tar.subarray(offset, offset + BLOCK);
    if (header.every((b) => b === 0)) break; // end-of-archive marker
    const magic = field(header, 257, 6);
    if (!magic.startsWith('ustar')) {
      throw new DatasetError(`readTar: ${file}: no tar header at byte ${offset} (magic ${JSON.stringify(magic)}); not a tar archive or corrupt`);
    }
    const size = octal(header, 124, 12, file);
    const type = String.fromCharCode(header[156] || 48);
    const start = offset + BLOCK;
    if (start + size > tar.length) {
      throw new DatasetError(`readTar: ${file}: truncated archive: entry ${JSON.stringify(field(header, 0, 100))} needs ${size} bytes, ${tar.length - start} left`);
    }
    const data = tar.subarray(start, start + size);
    const prefix = field(header, 345, 155);
    const name = longName ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
    if (type === 'L') longName = data.toString('utf8').replace(/\0+$/, '');
    else if (type === 'x') {
      const m = /\d+ path=([^\n]*)\n/.exec(data.toString('utf8'));
      longName = m ? m[1] : null;
    } else {
      longName = null;
      if (type === '0' || type === '7') entries.push({ name, data });
    }
    offset = start + Math.ceil(size / BLOCK) * BLOCK;
  }
  return entries;
}

/** Reads a .tar.gz (or plain .tar) file of at most maxBytes (after decompression); gzip is recognised by its magic bytes. */
export function readTarGz(file: string, maxBytes = MAX_TAR_BYTES): TarEntry[] {
  const tooLarge = (what: string): DatasetError => new DatasetError(
    `readTarGz: ${file}: ${what} is larger than the ${mib(maxBytes)} limit for dataset archives; extract the archive and point the data folder at the extracted batches`);
  let buf: Buffer;
  try {
    if (fs.statSync(file).size > maxBytes) throw tooLarge('the file');
    buf = fs.readFileSync(file);
  } catch (e) {
    if (e instanceof DatasetError) throw e;
    throw new DatasetError(`readTarGz: cannot read ${file}: ${(e as Error).message}`);
  }
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try { buf = zlib.gunzipSync(buf, { maxOutputLength: maxBytes }); } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge('the decompressed archive');
      throw new DatasetError(`readTarGz: ${file}: gzip data is corrupt or truncated (${(e as Error).message}); download the archive again`);
    }
  } else if (!(buf.length >= 263 && buf.subarray(257, 262).toString('latin1') === 'ustar')) {
    throw new DatasetError(`readTarGz: ${file}: unknown format: neither gzip nor tar (first bytes ${buf.subarray(0, 4).toString('hex')})`);
  }
  return readTar(buf, file);
}
