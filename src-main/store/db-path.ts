/**
 * Checks a store path before SQLite opens it, because SQLite itself would create files beside a
 * bad one (`/dev/null-journal`) or answer a generic "disk I/O error". Each refusal names the path
 * and the problem (code `bad-path`: the command line answers it with exit code 2).
 */
import fs from 'node:fs';
import path from 'node:path';
import { StoreError } from './errors.js';

/** The 16 bytes every SQLite database file starts with (sqlite.org/fileformat2.html, 1.3). */
const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

export function checkDbPath(file: string, o: { mustExist: boolean; createFolder: boolean }): void {
  const bad = (problem: string): StoreError => new StoreError(`the store path ${file} ${problem}`, 'bad-path');
  let st: fs.Stats | null = null;
  try {
    st = fs.statSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw bad(`cannot be read: ${(err as Error).message}`);
  }
  if (st === null) {
    if (o.mustExist) throw bad('does not exist; train a run first, or choose the store with --db FILE or ASCL_HOME');
    const dir = path.dirname(path.resolve(file));
    if (fs.existsSync(dir)) {
      if (!fs.statSync(dir).isDirectory()) throw bad(`is inside ${dir}, which is not a folder`);
      return;
    }
    if (!o.createFolder) throw bad(`is in a folder that does not exist (${dir}); create the folder first or choose another --db FILE`);
    try {
      fs.mkdirSync(dir, { recursive: true });
    } catch (err) {
      throw new StoreError(`the store folder ${dir} cannot be created: ${(err as Error).message}`, (err as NodeJS.ErrnoException).code === 'ENOSPC' ? 'disk-full' : 'bad-path');
    }
    return;
  }
  if (st.isDirectory()) throw bad('is a folder, not a database file; give a file name such as ascl.db inside it');
  if (!st.isFile()) throw bad('is not a regular file (a device, pipe or socket); give a database file such as ascl.db');
  if (st.size === 0) return; // an empty file is an empty database to SQLite
  const head = Buffer.alloc(SQLITE_HEADER.length);
  let fd: number | null = null;
  let n = 0;
  try {
    fd = fs.openSync(file, 'r');
    n = fs.readSync(fd, head, 0, head.length, 0);
  } catch (err) {
    throw bad(`cannot be read: ${(err as Error).message}`);
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
  if (!head.equals(SQLITE_HEADER)) throw bad(`is not an ASCL Studio store (not an SQLite database: it starts with ${JSON.stringify(head.subarray(0, n).toString('latin1'))}); choose another --db FILE`);
}
