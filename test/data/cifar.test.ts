import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset, DatasetError } from '../../src-main/engine/data/index.js';
import { fakeCifarBatch, tarGz } from './fixtures.js';
import { CIFAR10_SUBSET_DIR, CIFAR10_SUBSET_SIZE } from '../fixtures/paths.js';

const REAL = CIFAR10_SUBSET_DIR;
const N = CIFAR10_SUBSET_SIZE;
const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'ascl-cifar-'));
afterAll(() => fs.rmSync(tmpRoot, { recursive: true, force: true }));

function folder(name: string, files: Record<string, Buffer>): string {
  const dir = path.join(tmpRoot, name);
  fs.mkdirSync(dir, { recursive: true });
  for (const [f, data] of Object.entries(files)) fs.writeFileSync(path.join(dir, f), data);
  return dir;
}

const batch10 = fakeCifarBatch(10000, 1, 10);
// one valid training batch on disk, linked into the folders of the bad-file cases (no 30 MB write each)
const goodBatch = path.join(folder('good', { 'data_batch_1.bin': batch10 }), 'data_batch_1.bin');

describe('CIFAR-10 binary loader', () => {
  it('real subset test/fixtures/cifar10: 1000 train (data_batch_1 only, 2-5 reported missing), 1000 test, both reported as subsets, labels and pixels = the raw bytes (/255, HWC)', async () => {
    const d = await loadDataset('cifar10', { dataDir: REAL });
    expect(d.train.count).toBe(N);
    expect(d.test.count).toBe(N);
    expect(d.classNames).toEqual(['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck']);
    const warnings = d.warnings?.join(' ') ?? '';
    expect(warnings).toMatch(/missing.*data_batch_2\.bin, data_batch_3\.bin, data_batch_4\.bin, data_batch_5\.bin/);
    expect(warnings).toMatch(/data_batch_1\.bin .*holds the first 1000 of the official 10000 records/);
    expect(warnings).toMatch(/test_batch\.bin .*holds the first 1000 of the official 10000 records/);
    // every label against the raw files (record = label byte, R plane, G plane, B plane), all 10 classes present
    for (const [file, split] of [['data_batch_1.bin', d.train], ['test_batch.bin', d.test]] as const) {
      const raw = fs.readFileSync(path.join(REAL, file));
      expect(raw.length).toBe(N * 3073);
      expect(Array.from(split.labels)).toEqual(Array.from({ length: N }, (_, i) => raw[i * 3073]));
      expect(new Set(split.labels).size).toBe(10);
      for (const [i, y, x, c] of [[0, 0, 0, 0], [0, 5, 17, 1], [999, 31, 31, 2], [417, 12, 3, 2]]) {
        expect(split.images[i * 3072 + (y * 32 + x) * 3 + c]).toBeCloseTo(raw[i * 3073 + 1 + c * 1024 + y * 32 + x] / 255, 6);
      }
    }
  });

  it('limit 500 on the 1000-image subset keeps the first 500 training images only; the test split stays 1000', async () => {
    const d = await loadDataset('cifar10', { dataDir: REAL, limit: 500 });
    expect(d.train.count).toBe(500);
    expect(d.train.images.length).toBe(500 * 3072);
    expect(d.test.count).toBe(N);
  });

  it('a test_batch.bin cut at a record boundary (10 of 10000 records) is a subset with a warning; cut inside a record it is truncated', async () => {
    const dir = folder('ten', { 'test_batch.bin': batch10.subarray(0, 10 * 3073) });
    fs.symlinkSync(goodBatch, path.join(dir, 'data_batch_1.bin'));
    const d = await loadDataset('cifar10', { dataDir: dir });
    expect([d.train.count, d.test.count]).toEqual([10000, 10]);
    expect(d.warnings?.join(' ')).toMatch(/test_batch\.bin .*holds the first 10 of the official 10000 records/);
    const cut = folder('ten-and-a-bit', { 'test_batch.bin': batch10.subarray(0, 10 * 3073 + 5) });
    fs.symlinkSync(goodBatch, path.join(cut, 'data_batch_1.bin'));
    await expect(loadDataset('cifar10', { dataDir: cut })).rejects.toThrow(/test_batch\.bin: truncated: 30735 bytes of 30730000 \(10 whole records\)/);
  });

  it('folder with all 5 training batches: 50000 train, no warnings; the parent of cifar-10-batches-bin works too', async () => {
    const dir = folder('full/cifar-10-batches-bin', { 'test_batch.bin': batch10, 'data_batch_1.bin': batch10 });
    // batches 2-5: links to batch 1 (no 120 MB of writes)
    for (let i = 2; i <= 5; i++) fs.symlinkSync(path.join(dir, 'data_batch_1.bin'), path.join(dir, `data_batch_${i}.bin`));
    const d = await loadDataset('cifar10', { dataDir: path.dirname(dir) });
    expect(d.train.count).toBe(50000);
    expect(d.warnings).toEqual([]);
    expect(d.train.labels[40003]).toBe(3);
    expect(d.train.images[40003 * 3072 + 1]).toBeCloseTo(((3 * 7 + 1024) & 255) / 255, 6); // G of pixel 0
  });

  it('official .tar.gz (data_batch_1 + test_batch only): read from the archive and from its folder', async () => {
    const archive = tarGz([
      { name: 'cifar-10-batches-bin/data_batch_1.bin', data: batch10 },
      { name: 'cifar-10-batches-bin/test_batch.bin', data: fakeCifarBatch(10000, 1, 10, 1) },
      { name: 'cifar-10-batches-bin/batches.meta.txt', data: Buffer.from('a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n\n') },
    ]);
    const dir = folder('archive', { 'cifar-10-binary.tar.gz': archive });
    for (const dataDir of [dir, path.join(dir, 'cifar-10-binary.tar.gz')]) {
      const d = await loadDataset('cifar10', { dataDir });
      expect(d.train.count).toBe(10000);
      expect(d.test.labels[0]).toBe(1);
      expect(d.classNames[9]).toBe('j');
      expect(d.source).toMatch(/cifar-10-binary\.tar\.gz/);
    }
  });

  const bad: Array<[string, Buffer, RegExp]> = [
    ['truncated test_batch.bin (1000 bytes short)', batch10.subarray(0, batch10.length - 1000), /test_batch\.bin: truncated: 30729000 bytes of 30730000/],
    ['empty test_batch.bin', Buffer.alloc(0), /test_batch\.bin: the file is empty/],
    ['oversized test_batch.bin (one extra record)', fakeCifarBatch(10001, 1, 10), /test_batch\.bin: wrong size: 30733073 bytes/],
    ['CIFAR-100 records in test_batch.bin', fakeCifarBatch(10000, 2, 100).subarray(0, 3074 * 9000), /looks like CIFAR-100/],
    ['label 12 in test_batch.bin', (() => { const b = Buffer.from(batch10); b[3073 * 5] = 12; return b; })(), /record 5 has label 12, outside \[0, 10\)/],
  ];
  for (const [what, testBatch, message] of bad) {
    it(`${what}: DatasetError naming the file`, async () => {
      const dir = folder(what.replace(/\W+/g, '_'), { 'test_batch.bin': testBatch });
      fs.symlinkSync(goodBatch, path.join(dir, 'data_batch_1.bin'));
      const p = loadDataset('cifar10', { dataDir: dir });
      await expect(p).rejects.toBeInstanceOf(DatasetError);
      await expect(p).rejects.toThrow(message);
    });
  }

  it('no training batch / no test batch / no folder / not an archive / corrupt gzip: clear DatasetErrors', async () => {
    const onlyTest = folder('only-test', {});
    fs.symlinkSync(goodBatch, path.join(onlyTest, 'test_batch.bin'));
    await expect(loadDataset('cifar10', { dataDir: onlyTest })).rejects.toThrow(/no CIFAR-10 training batch in .*only-test \(looked for data_batch_1\.bin/);
    const onlyTrain = folder('only-train', {});
    fs.symlinkSync(goodBatch, path.join(onlyTrain, 'data_batch_3.bin'));
    await expect(loadDataset('cifar10', { dataDir: onlyTrain })).rejects.toThrow(/test batch test_batch\.bin is missing/);
    const empty = folder('empty', {});
    await expect(loadDataset('cifar10', { dataDir: empty })).rejects.toThrow(/no CIFAR-10 found in .*empty: expected data_batch_1\.bin/);
    await expect(loadDataset('cifar10', { dataDir: path.join(tmpRoot, 'nope') })).rejects.toThrow(/data folder .*nope does not exist/);
    const txt = folder('txt', { 'data.csv': Buffer.from('1,2,3') });
    await expect(loadDataset('cifar10', { dataDir: path.join(txt, 'data.csv') })).rejects.toThrow(/data\.csv: unknown format/);
    const gz = folder('corrupt-gz', { 'cifar-10-binary.tar.gz': tarGz([{ name: 'x/test_batch.bin', data: batch10 }]).subarray(0, 5000) });
    await expect(loadDataset('cifar10', { dataDir: gz })).rejects.toThrow(/gzip data is corrupt or truncated/);
    const py = folder('py/cifar-10-batches-py', { data_batch_1: Buffer.from('pickle') });
    await expect(loadDataset('cifar10', { dataDir: path.dirname(py) })).rejects.toThrow(/Python \(pickle\) version/);
  });
});

describe('CIFAR-100 binary loader', () => {
  it('train.bin (50000) + test.bin (10000) in cifar-100-binary/: fine labels (second byte), names from fine_label_names.txt', async () => {
    const names = Array.from({ length: 100 }, (_, i) => `n${i}`).join('\n');
    const dir = folder('c100/cifar-100-binary', { 'test.bin': fakeCifarBatch(10000, 2, 100, 5), 'fine_label_names.txt': Buffer.from(names) });
    // train.bin: a sparse 50000-record file (labels 0, black images) whose first 100 records are real
    const fd = fs.openSync(path.join(dir, 'train.bin'), 'w');
    fs.ftruncateSync(fd, 50000 * 3074);
    fs.writeSync(fd, fakeCifarBatch(100, 2, 100), 0, 100 * 3074, 0);
    fs.closeSync(fd);
    const d = await loadDataset('cifar100', { dataDir: path.dirname(dir) });
    expect([d.train.count, d.test.count, d.numClasses]).toEqual([50000, 10000, 100]);
    expect(d.train.labels[7]).toBe(8); // coarse byte (i % 100), fine byte (i + 1) % 100
    expect(d.train.labels[49999]).toBe(0);
    expect(d.test.labels[0]).toBe(6);
    expect(d.classNames[42]).toBe('n42');
  });

  it('CIFAR-10 files given as CIFAR-100: DatasetError', async () => {
    const dir = folder('c100-wrong', { 'train.bin': fakeCifarBatch(10000, 1, 10), 'test.bin': fakeCifarBatch(10000, 1, 10) });
    await expect(loadDataset('cifar100', { dataDir: dir })).rejects.toThrow(/train\.bin: .*looks like CIFAR-10, not CIFAR-100/);
  });
});
