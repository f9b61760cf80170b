/**
 * Where benchmarks and studies find data larger than the fixtures in test/fixtures: the folder named by
 * `--data-dir DIR` or by the environment variable ASCL_DATA_DIR, never a path guessed outside the repository.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** The data folder: `flag` (from --data-dir) first, then ASCL_DATA_DIR; a clear error naming both when neither is set. */
export function requireDataDir(caller: string, flag?: string): string {
  const chosen = flag ?? process.env.ASCL_DATA_DIR;
  if (chosen === undefined || chosen === '') {
    throw new Error(`${caller}: no data folder: pass --data-dir DIR or set ASCL_DATA_DIR=DIR ` +
      '(a folder with the official CIFAR-10 binary files: data_batch_1.bin ... test_batch.bin, or cifar-10-batches-bin/ below it)');
  }
  const dir = resolve(chosen);
  if (!existsSync(dir)) throw new Error(`${caller}: the data folder "${chosen}" (${dir}) does not exist`);
  return dir;
}
