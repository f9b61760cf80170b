import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadFile, ensureOfficialArchive, DatasetError } from '../../src-main/engine/data/index.js';
import type { DownloadProgress } from '../../src-main/engine/data/dataset.js';
import { loadCifar } from '../../src-main/engine/data/cifar.js';
import { CIFAR10 } from '../../src-main/engine/data/cifar-format.js';
import { fakeCifarBatch, tarGz } from './fixtures.js';

const archive = tarGz([
  { name: 'cifar-10-batches-bin/data_batch_1.bin', data: fakeCifarBatch(10000, 1, 10) },
  { name: 'cifar-10-batches-bin/test_batch.bin', data: fakeCifarBatch(10000, 1, 10, 2) },
]);
const md5 = crypto.createHash('md5').update(archive).digest('hex');
let server: http.Server;
let base = '';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ascl-dl-'));

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/cifar-10-binary.tar.gz') {
      res.writeHead(200, { 'content-length': archive.length });
      // in 4 chunks, so progress is reported several times
      const q = Math.ceil(archive.length / 4);
      for (let i = 0; i < 4; i++) res.write(archive.subarray(i * q, (i + 1) * q));
      res.end();
    } else if (req.url === '/short') {
      res.writeHead(200, { 'content-length': 1000 });
      res.write(Buffer.alloc(10)); // announces more than it sends, then the connection drops
      setTimeout(() => res.socket?.destroy(), 20);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('downloadFile (local HTTP server on 127.0.0.1)', () => {
  it('good md5: file in place, progress reaches the announced total, no temporary left', async () => {
    const seen: DownloadProgress[] = [];
    const dest = path.join(tmp, 'ok', 'cifar-10-binary.tar.gz');
    await downloadFile({ url: `${base}/cifar-10-binary.tar.gz`, dest, checksum: { algorithm: 'md5', hex: md5 }, onProgress: (p) => seen.push(p) });
    expect(fs.readFileSync(dest).equals(archive)).toBe(true);
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.at(-1)).toEqual({ file: 'cifar-10-binary.tar.gz', receivedBytes: archive.length, totalBytes: archive.length });
    expect(fs.readdirSync(path.dirname(dest))).toEqual(['cifar-10-binary.tar.gz']);
  });

  it('bad md5: DatasetError quoting both digests, nothing kept', async () => {
    const dest = path.join(tmp, 'bad', 'cifar-10-binary.tar.gz');
    const p = downloadFile({ url: `${base}/cifar-10-binary.tar.gz`, dest, checksum: { algorithm: 'md5', hex: '0'.repeat(32) } });
    await expect(p).rejects.toBeInstanceOf(DatasetError);
    await expect(downloadFile({ url: `${base}/cifar-10-binary.tar.gz`, dest, checksum: { algorithm: 'md5', hex: '0'.repeat(32) } }))
      .rejects.toThrow(new RegExp(`md5 checksum mismatch: got ${md5}, expected 0{32}; the file was not kept`));
    expect(fs.readdirSync(path.dirname(dest))).toEqual([]);
  });

  it('HTTP 404, short body and unreachable host: clear errors, the last one says to pass --data-dir', async () => {
    const dest = path.join(tmp, 'err', 'x.tar.gz');
    const sum = { algorithm: 'sha256' as const, hex: 'ab' };
    await expect(downloadFile({ url: `${base}/missing`, dest, checksum: sum })).rejects.toThrow(/answered HTTP 404/);
    await expect(downloadFile({ url: `${base}/short`, dest, checksum: sum })).rejects.toThrow(/download of .*\/short broke off after 10 bytes/);
    // a port nobody listens on: connection refused, as offline
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    await expect(downloadFile({ url: `http://127.0.0.1:${port}/a.tar.gz`, dest, checksum: sum })).rejects.toThrow(/cannot download .*ECONNREFUSED.*--data-dir DIR/);
    expect(fs.existsSync(dest)).toBe(false);
  });

  it('ensureOfficialArchive downloads once into the data folder, then loadCifar reads it', async () => {
    const dataDir = path.join(tmp, 'home');
    const official = { url: `${base}/cifar-10-binary.tar.gz`, file: 'cifar-10-binary.tar.gz', md5 };
    const file = await ensureOfficialArchive('cifar10', dataDir, undefined, official);
    const again = await ensureOfficialArchive('cifar10', dataDir, undefined, { ...official, url: `${base}/missing` });
    expect(again).toBe(file);
    const d = await loadCifar(CIFAR10, { dataDir });
    expect(d.test.labels[0]).toBe(2);
    expect(d.train.count).toBe(10000);
  });
});
