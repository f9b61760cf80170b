/**
 * Real read-only and full file systems for the fault tests, where this process may mount them
 * (root with CAP_SYS_ADMIN, as in the project's CI container): a read-only bind mount and a small
 * tmpfs. Each returns null where mounting is not permitted, and the tests fall back to the
 * store's seams (read-only opening, an injected SQLITE_FULL), which always run.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface Mount { dir: string; unmount: () => void }

function tryMount(args: string[], dir: string): Mount | null {
  fs.mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', [...args, dir], { stdio: 'ignore' });
  } catch {
    return null;
  }
  return { dir, unmount: () => { execFileSync('umount', [dir], { stdio: 'ignore' }); } };
}

/** `source` seen read-only at `<parent>/ro` (a bind mount). */
export function readOnlyBind(source: string, parent: string): Mount | null {
  return tryMount(['--bind', '-o', 'ro', source], path.join(parent, 'ro'));
}

/** A tmpfs of `kib` KiB at `<parent>/small`. */
export function smallTmpfs(kib: number, parent: string): Mount | null {
  return tryMount(['-t', 'tmpfs', '-o', `size=${kib}k`, 'tmpfs'], path.join(parent, 'small'));
}

/** Fills the file system holding `dir` up to its last `leaveBytes` bytes with one file; returns its path. */
export function fillDisk(dir: string, leaveBytes: number): string {
  const filler = path.join(dir, 'filler.bin');
  const st = fs.statfsSync(dir);
  const free = Number(st.bavail) * Number(st.bsize);
  const chunk = Buffer.alloc(64 * 1024, 1);
  const fd = fs.openSync(filler, 'w');
  try {
    let left = free - leaveBytes;
    while (left > 0) {
      try { left -= fs.writeSync(fd, chunk, 0, Math.min(chunk.length, left)); } catch { break; }
    }
  } finally { fs.closeSync(fd); }
  return filler;
}
