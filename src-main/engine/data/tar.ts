/**
 * A minimal reader for (gzipped) POSIX ustar / GNU tar archives, enough for the official CIFAR
 * archives: regular files only, GNU long names ('L') and pax path records ('x') honoured.
 * The whole archive is inflated in memory (CIFAR-10: 162 MB -> 185 MB) and entries are views
 * into that buffer, so reading costs one gunzip and no copies.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import { DatasetError } from './dataset.js';

export interface TarEntry { name: string; data: Buffer }

const BLOCK = 512;

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

/** Reads a .tar.gz (or plain .tar) file; gzip is recognised by its magic bytes. */
export function readTarGz(file: string): TarEntry[] {
  let buf: Buffer;
  try { buf = fs.readFileSync(file); } catch (e) {
    throw new DatasetError(`readTarGz: cannot read ${file}: ${(e as Error).message}`);
  }
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try { buf = zlib.gunzipSync(buf); } catch (e) {
      throw new DatasetError(`readTarGz: ${file}: gzip data is corrupt or truncated (${(e as Error).message}); download the archive again`);
    }
  } else if (!(buf.length >= 263 && buf.subarray(257, 262).toString('latin1') === 'ustar')) {
    throw new DatasetError(`readTarGz: ${file}: unknown format: neither gzip nor tar (first bytes ${buf.subarray(0, 4).toString('hex')})`);
  }
  return readTar(buf, file);
}
