/**
 * Small images as PNG data URLs for the UI (the CSP allows `img-src data:`): an [H, W, C] float
 * image in [0, 1] (C = 1 grey, C = 3 RGB) quantised to 8 bits (round(255 v), clipped), filter type 0
 * on every row, one zlib IDAT chunk (PNG specification, ISO/IEC 15948). The perturbation view maps
 * delta = x_adv - x in [-eps, eps] to 0.5 + delta / (2 eps): grey is no change, black and white are
 * -eps and +eps in that channel (the change is magnified 1 / (2 eps) times: about x16 at eps 8/255).
 */
import { crc32, deflateSync, inflateSync } from 'node:zlib';

const SIGNATURE = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td) >>> 0);
  return Buffer.concat([len, td, crc]);
}

/** 8-bit quantisation of [0, 1] values: round(255 v), clipped to [0, 255]. */
export function toBytes(values: ArrayLike<number>): Uint8Array {
  return Uint8Array.from(values, (v) => Math.max(0, Math.min(255, Math.round(v * 255))));
}

/** PNG bytes of an [h, w, c] image (c = 1 or 3) of 8-bit samples. */
export function encodePng(bytes: Uint8Array, h: number, w: number, c: number): Buffer {
  if (c !== 1 && c !== 3) throw new Error(`encodePng: needs 1 or 3 channels (got ${c})`);
  if (bytes.length !== h * w * c) throw new Error(`encodePng: ${bytes.length} bytes for a ${h}x${w}x${c} image`);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;                     // bit depth
  ihdr[9] = c === 1 ? 0 : 2;       // colour type: greyscale / truecolour
  const raw = Buffer.alloc(h * (1 + w * c));
  for (let r = 0; r < h; r++) {
    raw[r * (1 + w * c)] = 0;      // filter: none
    raw.set(bytes.subarray(r * w * c, (r + 1) * w * c), r * (1 + w * c) + 1);
  }
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** data:image/png;base64,... of an [h, w, c] float image in [0, 1]. */
export function pngDataUrl(values: ArrayLike<number>, h: number, w: number, c: number): string {
  return `data:image/png;base64,${encodePng(toBytes(values), h, w, c).toString('base64')}`;
}

/** The perturbation shown amplified: 0.5 + (adv - clean) / (2 eps), per value in [0, 1].  [H * W * C] */
export function amplifiedPerturbation(clean: ArrayLike<number>, adv: ArrayLike<number>, eps: number): Float32Array {
  if (clean.length !== adv.length) throw new Error(`amplifiedPerturbation: ${clean.length} clean values, ${adv.length} adversarial`);
  const out = new Float32Array(clean.length);
  for (let i = 0; i < out.length; i++) out[i] = eps > 0 ? Math.max(0, Math.min(1, 0.5 + (adv[i] - clean[i]) / (2 * eps))) : 0.5;
  return out;
}

/** Inverse of encodePng for the images it writes (8-bit, filter 0, one or more IDAT chunks); checks every CRC. */
export function decodePng(png: Buffer): { width: number; height: number; channels: number; bytes: Uint8Array } {
  if (!png.subarray(0, 8).equals(SIGNATURE)) throw new Error('decodePng: not a PNG signature');
  let off = 8;
  let width = 0, height = 0, channels = 0;
  const idat: Buffer[] = [];
  while (off < png.length) {
    const len = png.readUInt32BE(off);
    const type = png.toString('ascii', off + 4, off + 8);
    const data = png.subarray(off + 8, off + 8 + len);
    if ((crc32(png.subarray(off + 4, off + 8 + len)) >>> 0) !== png.readUInt32BE(off + 8 + len)) throw new Error(`decodePng: bad CRC in chunk ${type}`);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0); height = data.readUInt32BE(4);
      if (data[8] !== 8) throw new Error(`decodePng: bit depth ${data[8]} is not 8`);
      channels = data[9] === 0 ? 1 : data[9] === 2 ? 3 : 0;
      if (channels === 0) throw new Error(`decodePng: colour type ${data[9]} is not greyscale or truecolour`);
    } else if (type === 'IDAT') idat.push(data);
    off += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = 1 + width * channels;
  const bytes = new Uint8Array(width * height * channels);
  for (let r = 0; r < height; r++) {
    if (raw[r * stride] !== 0) throw new Error(`decodePng: row ${r} uses filter ${raw[r * stride]}, only 0 is read`);
    bytes.set(raw.subarray(r * stride + 1, (r + 1) * stride), r * width * channels);
  }
  return { width, height, channels, bytes };
}
