/**
 * Downloads an official dataset archive into the application's data folder: streamed to a
 * temporary file while hashing, checked against the published checksum, then renamed into
 * place (atomic), so the data folder never holds a partial or unverified archive.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { defaultHome } from '../../common/app-home.js';
import { DatasetError, type DownloadProgress } from './dataset.js';

/** The application's data folder: `$ASCL_HOME/data` or the platform's application folder + `/data`. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(defaultHome(env), 'data');
}

export interface OfficialArchive { url: string; file: string; md5: string }

/** Published on https://www.cs.toronto.edu/~kriz/cifar.html (binary versions). */
export const OFFICIAL_ARCHIVES = {
  cifar10: { url: 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz', file: 'cifar-10-binary.tar.gz', md5: 'c32a1d4ab5d03f1284b67883e8d87530' },
  cifar100: { url: 'https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz', file: 'cifar-100-binary.tar.gz', md5: '03b5dce01913d631647c71ecec9e9cb8' },
} as const satisfies Record<string, OfficialArchive>;

export interface DownloadOptions {
  url: string;
  /** Final path of the file. */
  dest: string;
  /** Expected digest (hex) of the whole file. */
  checksum: { algorithm: 'md5' | 'sha256'; hex: string };
  onProgress?: (p: DownloadProgress) => void;
  /** Aborts a stalled download (ms without completing); default 10 minutes. */
  timeoutMs?: number;
}

function offlineError(url: string, reason: string): DatasetError {
  return new DatasetError(
    `downloadFile: cannot download ${url} (${reason}). This machine seems to be offline or the host is unreachable: ` +
      'download the archive on a machine with a network and pass its folder with --data-dir DIR ' +
      '(a folder holding the .tar.gz or its extracted batches).',
  );
}

/** Downloads `url` to `dest`, verifying the checksum; on any failure nothing is left at `dest`. */
export async function downloadFile(o: DownloadOptions): Promise<string> {
  fs.mkdirSync(path.dirname(o.dest), { recursive: true });
  const tmp = `${o.dest}.part-${process.pid}-${Date.now()}`;
  let response: Response;
  try {
    response = await fetch(o.url, { signal: AbortSignal.timeout(o.timeoutMs ?? 600_000) });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw offlineError(o.url, cause?.code ?? cause?.message ?? (e as Error).message);
  }
  if (!response.ok || !response.body) throw new DatasetError(`downloadFile: ${o.url} answered HTTP ${response.status} ${response.statusText}`);
  const total = Number(response.headers.get('content-length')) || null;
  const hash = crypto.createHash(o.checksum.algorithm);
  const out = fs.openSync(tmp, 'w');
  let received = 0;
  try {
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      hash.update(value);
      fs.writeSync(out, value);
      received += value.length;
      o.onProgress?.({ file: path.basename(o.dest), receivedBytes: received, totalBytes: total });
    }
    fs.fsyncSync(out);
  } catch (e) {
    fs.closeSync(out);
    fs.rmSync(tmp, { force: true });
    if (e instanceof DatasetError) throw e;
    throw new DatasetError(`downloadFile: download of ${o.url} broke off after ${received} bytes: ${(e as Error).message}`);
  }
  fs.closeSync(out);
  const digest = hash.digest('hex');
  if (total !== null && received !== total) {
    fs.rmSync(tmp, { force: true });
    throw new DatasetError(`downloadFile: ${o.url}: received ${received} bytes, the server announced ${total}; nothing was kept`);
  }
  if (digest !== o.checksum.hex.toLowerCase()) {
    fs.rmSync(tmp, { force: true });
    throw new DatasetError(
      `downloadFile: ${o.url}: ${o.checksum.algorithm} checksum mismatch: got ${digest}, expected ${o.checksum.hex}; the file was not kept (try again; a proxy may alter it)`,
    );
  }
  fs.renameSync(tmp, o.dest);
  return o.dest;
}

/**
 * The official archive in `dataDir` (default: the application's data folder), downloading it
 * first when it is not there.
 */
export async function ensureOfficialArchive(
  name: keyof typeof OFFICIAL_ARCHIVES, dataDir: string = defaultDataDir(),
  onProgress?: (p: DownloadProgress) => void, archive: OfficialArchive = OFFICIAL_ARCHIVES[name],
): Promise<string> {
  const dest = path.join(dataDir, archive.file);
  if (fs.existsSync(dest)) return dest;
  return downloadFile({ url: archive.url, dest, checksum: { algorithm: 'md5', hex: archive.md5 }, onProgress });
}
