import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readCheckpointFile, writeCheckpointFile, readTrainCheckpoint, writeTrainCheckpoint } from '../../src-main/store/index.js';
import { parseRunConfig } from '../../src-main/shared/run-config.js';
import type { TrainCheckpoint } from '../../src-main/engine/train/types.js';

let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ascl-ckpt-')); });
afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

function sample(seed = 1): TrainCheckpoint {
  const rnd = (n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 1000 + i));
  return {
    epoch: 3, globalStep: 30,
    weights: { 'conv1/kernel': { shape: [3, 3, 1, 4], data: rnd(36) }, 'conv1/bias': { shape: [4], data: rnd(4) }, scalar: { shape: [], data: rnd(1) } },
    optimizer: { name: 'adam', iterations: 30, slots: { 'conv1/kernel/m': { shape: [3, 3, 1, 4], data: rnd(36) } } },
    rngState: 0xdeadbeef, config: parseRunConfig({ dataset: 'synthetic', epochs: 5 }), backend: 'cpu',
  };
}

describe('checkpoint file format', () => {
  it('round-trips a TrainCheckpoint bit-exactly (3 weights incl. a scalar, 1 optimizer slot, uint32 RNG state)', () => {
    const file = path.join(dir, 'c.ckpt');
    const c = sample();
    const w = writeTrainCheckpoint(file, c);
    expect(w.size).toBe(fs.statSync(file).size);
    expect(w.sha256).toBe(crypto.createHash('sha256').update(fs.readFileSync(file).subarray(0, w.size - 32)).digest('hex'));
    const back = readTrainCheckpoint(file, w.sha256);
    expect(back.epoch).toBe(3);
    expect(back.globalStep).toBe(30);
    expect(back.rngState).toBe(0xdeadbeef);
    expect(back.optimizer.iterations).toBe(30);
    expect(back.config).toEqual(c.config);
    for (const [k, v] of Object.entries(c.weights)) {
      expect(back.weights[k].shape).toEqual(v.shape);
      expect(Array.from(back.weights[k].data)).toEqual(Array.from(v.data));
    }
    expect(Array.from(back.optimizer.slots['conv1/kernel/m'].data)).toEqual(Array.from(c.optimizer.slots['conv1/kernel/m'].data));
  });

  it('a write leaves no temporary file behind and replaces an existing checkpoint whole', () => {
    const file = path.join(dir, 'c.ckpt');
    writeTrainCheckpoint(file, sample(1));
    const w2 = writeTrainCheckpoint(file, sample(2));
    expect(fs.readdirSync(dir)).toEqual(['c.ckpt']);
    expect(readCheckpointFile(file).sha256).toBe(w2.sha256);
  });

  it('a temp file left by a crash mid-write does not affect the committed checkpoint', () => {
    const file = path.join(dir, 'c.ckpt');
    const w = writeTrainCheckpoint(file, sample(1));
    fs.writeFileSync(`${file}.tmp-999-abcd`, fs.readFileSync(file).subarray(0, 50)); // torn write of a newer one
    expect(readCheckpointFile(file, w.sha256).sha256).toBe(w.sha256);
  });

  it.each([
    ['truncated to half', (b: Buffer) => b.subarray(0, b.length >> 1)],
    ['truncated by one byte', (b: Buffer) => b.subarray(0, b.length - 1)],
    ['one data bit flipped', (b: Buffer) => { const c = Buffer.from(b); c[c.length - 40] ^= 1; return c; }],
    ['one header byte changed', (b: Buffer) => { const c = Buffer.from(b); c[20] ^= 0x20; return c; }],
    ['bad magic', (b: Buffer) => { const c = Buffer.from(b); c[0] = 0x58; return c; }],
    ['empty file', () => Buffer.alloc(0)],
  ])('a corrupt checkpoint (%s) is refused with an error naming the file', (_what, damage) => {
    const file = path.join(dir, 'c.ckpt');
    writeTrainCheckpoint(file, sample());
    fs.writeFileSync(file, damage(fs.readFileSync(file)));
    expect(() => readTrainCheckpoint(file)).toThrow(new RegExp(`readCheckpointFile\\(${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\): .*(corrupt or truncated|cannot read)`));
  });

  it('a valid file whose SHA-256 differs from the one recorded in the store is refused', () => {
    const file = path.join(dir, 'c.ckpt');
    writeTrainCheckpoint(file, sample());
    expect(() => readCheckpointFile(file, '0'.repeat(64))).toThrow(/differs from the .* recorded in the store/);
  });

  it('a missing file is a clear error naming it', () => {
    expect(() => readCheckpointFile(path.join(dir, 'nope.ckpt'))).toThrow(/nope\.ckpt.*cannot read/);
  });

  it('an array whose data does not match its shape is refused before anything is written', () => {
    const file = path.join(dir, 'c.ckpt');
    expect(() => writeCheckpointFile(file, { meta: {}, arrays: { a: { shape: [2, 3], data: new Float32Array(5) } } })).toThrow(/"a" has 5 values, shape \[2,3\] needs 6/);
    expect(fs.existsSync(file)).toBe(false);
  });
});
