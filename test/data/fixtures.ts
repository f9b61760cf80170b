/** Test helpers: fake CIFAR batch files and a minimal ustar writer (to build .tar.gz archives). */
import zlib from 'node:zlib';

/** `records` CIFAR records with label (i + seed) % classes and pixels (i * 7 + p + seed) % 256. */
export function fakeCifarBatch(records: number, labelBytes: 1 | 2, classes: number, seed = 0): Buffer {
  const rec = labelBytes + 3072;
  const buf = Buffer.alloc(records * rec);
  for (let i = 0; i < records; i++) {
    const base = i * rec;
    for (let k = 0; k < labelBytes; k++) buf[base + k] = (i + seed + k) % classes;
    for (let p = 0; p < 3072; p++) buf[base + labelBytes + p] = (i * 7 + p + seed) & 255;
  }
  return buf;
}

function header(name: string, size: number, type: '0' | '5'): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, 'utf8');
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(size.toString(8).padStart(11, '0') + '\0', 124);
  h.write('00000000000\0', 136);
  h.write('        ', 148); // checksum placeholder: spaces
  h.write(type, 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  return h;
}

/** A gzipped ustar archive of the given files (directories are created implicitly). */
export function tarGz(files: Array<{ name: string; data: Buffer }>): Buffer {
  const parts: Buffer[] = [];
  for (const f of files) {
    parts.push(header(f.name, f.data.length, '0'), f.data, Buffer.alloc((512 - (f.data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return zlib.gzipSync(Buffer.concat(parts), { level: 1 });
}
