/**
 * CIFAR-10 and CIFAR-100 loaders (official binary version) from a folder of batch files, a
 * folder holding the official `.tar.gz`, the archive itself, or (dataDir null) the application's
 * data folder, downloading the archive there when it is missing. Absent training batches are
 * skipped and reported; anything malformed is a DatasetError naming the file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DatasetError, type Dataset, type DatasetLoadOptions, type DatasetLoader } from './dataset.js';
import { CIFAR10, CIFAR10_CLASS_NAMES, CIFAR100, PIXELS, checkCifarBatchSize, decodeCifarBatch, type CifarSpec } from './cifar-format.js';
import { readTarGz } from './tar.js';
import { defaultDataDir, ensureOfficialArchive, OFFICIAL_ARCHIVES } from './download.js';

/** Where the files come from: a folder or an archive's entries. */
interface FileSource {
  where: string;
  has(name: string): boolean;
  read(name: string): Uint8Array;
}

function folderSource(dir: string): FileSource {
  return {
    where: dir,
    has: (n) => fs.existsSync(path.join(dir, n)),
    read: (n) => {
      try { return fs.readFileSync(path.join(dir, n)); } catch (e) {
        throw new DatasetError(`loadCifar: cannot read ${path.join(dir, n)}: ${(e as Error).message}`);
      }
    },
  };
}

function archiveSource(spec: CifarSpec, file: string): FileSource {
  const entries = new Map<string, Uint8Array>();
  for (const e of readTarGz(file)) {
    const parts = e.name.split('/').filter((p) => p !== '' && p !== '.');
    if (parts.length >= 1) entries.set(parts[parts.length - 1], e.data);
    if (parts.some((p) => /-py$|-python$/.test(p))) {
      throw new DatasetError(`loadCifar: ${file} is the Python (pickle) version of ${spec.title}; use the binary version (${OFFICIAL_ARCHIVES[spec.name].file})`);
    }
  }
  return {
    where: file,
    has: (n) => entries.has(n),
    read: (n) => entries.get(n) as Uint8Array,
  };
}

const isArchive = (p: string): boolean => /\.(tar\.gz|tgz|tar)$/i.test(p);

/** Finds the batches for an explicit dataDir (folder or archive file). */
function openSource(spec: CifarSpec, dataDir: string): FileSource | null {
  let stat: fs.Stats;
  try { stat = fs.statSync(dataDir); } catch {
    throw new DatasetError(`loadCifar: data folder ${dataDir} does not exist (--data-dir)`);
  }
  if (stat.isFile()) {
    if (!isArchive(dataDir)) {
      throw new DatasetError(`loadCifar: ${dataDir}: unknown format; expected a folder of ${spec.title} batch files or the official ${OFFICIAL_ARCHIVES[spec.name].file}`);
    }
    return archiveSource(spec, dataDir);
  }
  const wanted = [...spec.trainFiles, spec.testFile];
  for (const dir of [dataDir, path.join(dataDir, spec.folder)]) {
    const src = folderSource(dir);
    if (wanted.some((f) => src.has(f))) return src;
  }
  const archive = path.join(dataDir, OFFICIAL_ARCHIVES[spec.name].file);
  if (fs.existsSync(archive)) return archiveSource(spec, archive);
  if (spec.name === 'cifar10' && (fs.existsSync(path.join(dataDir, 'cifar-10-batches-py')) || fs.existsSync(path.join(dataDir, 'data_batch_1')))) {
    throw new DatasetError(`loadCifar: ${dataDir} holds the Python (pickle) version of CIFAR-10; use the binary version (${OFFICIAL_ARCHIVES.cifar10.file})`);
  }
  return null;
}

function classNames(spec: CifarSpec, src: FileSource, warnings: string[]): string[] {
  const fallback = spec.name === 'cifar10' ? CIFAR10_CLASS_NAMES : Array.from({ length: spec.numClasses }, (_, i) => `class${i}`);
  if (!src.has(spec.classNamesFile)) return fallback;
  const names = Buffer.from(src.read(spec.classNamesFile)).toString('utf8').split(/\r?\n/).map((s) => s.trim()).filter((s) => s !== '');
  if (names.length !== spec.numClasses) {
    warnings.push(`${spec.classNamesFile} lists ${names.length} class names, expected ${spec.numClasses}; using default names`);
    return fallback;
  }
  return names;
}

function decodeFromSource(spec: CifarSpec, src: FileSource): Dataset {
  const warnings: string[] = [];
  const present = spec.trainFiles.map((f, i) => ({ file: f, records: spec.trainRecords[i] })).filter((b) => src.has(b.file));
  const missing = spec.trainFiles.filter((f) => !src.has(f));
  if (present.length === 0) {
    throw new DatasetError(`loadCifar: no ${spec.title} training batch in ${src.where} (looked for ${spec.trainFiles.join(', ')})`);
  }
  if (!src.has(spec.testFile)) throw new DatasetError(`loadCifar: ${spec.title} test batch ${spec.testFile} is missing in ${src.where}`);
  if (missing.length > 0) warnings.push(`${spec.title}: training batches missing in ${src.where}: ${missing.join(', ')}; using ${present.map((b) => b.file).join(', ')}`);

  // Read and size-check every file before decoding any: a bad file fails fast.
  const files = [...present, { file: spec.testFile, records: spec.testRecords }].map((b) => {
    const buf = src.read(b.file);
    const records = checkCifarBatchSize(spec, buf, b.records, path.join(src.where, b.file));
    if (records < b.records) warnings.push(`${spec.title}: ${b.file} in ${src.where} holds the first ${records} of the official ${b.records} records (a subset)`);
    return { ...b, official: b.records, records, buf };
  });
  const trainCount = files.slice(0, -1).reduce((a, b) => a + b.records, 0);
  const train = { images: new Float32Array(trainCount * PIXELS), labels: new Int32Array(trainCount), count: trainCount };
  let at = 0;
  for (const b of files.slice(0, -1)) {
    decodeCifarBatch(spec, b.buf, b.official, path.join(src.where, b.file), train.images, train.labels, at);
    at += b.records;
  }
  const t = files[files.length - 1];
  const test = { images: new Float32Array(t.records * PIXELS), labels: new Int32Array(t.records), count: t.records };
  decodeCifarBatch(spec, t.buf, t.official, path.join(src.where, spec.testFile), test.images, test.labels, 0);

  return {
    name: spec.name, height: 32, width: 32, channels: 3, numClasses: spec.numClasses,
    classNames: classNames(spec, src, warnings), train, test,
    source: `${spec.title} from ${src.where}: ${present.map((b) => b.file).join(', ')}, ${spec.testFile}` +
      (missing.length > 0 ? ` (missing: ${missing.join(', ')})` : ''),
    warnings,
  };
}

export async function loadCifar(spec: CifarSpec, options: DatasetLoadOptions): Promise<Dataset> {
  if (options.dataDir) {
    const src = openSource(spec, path.resolve(options.dataDir));
    if (!src) {
      throw new DatasetError(
        `loadCifar: no ${spec.title} found in ${options.dataDir}: expected ${spec.trainFiles.join(', ')} and ${spec.testFile} ` +
          `(binary version) in that folder or in ${spec.folder}/ below it, or the archive ${OFFICIAL_ARCHIVES[spec.name].file}`,
      );
    }
    return decodeFromSource(spec, src);
  }
  const home = defaultDataDir();
  const local = fs.existsSync(home) ? openSource(spec, home) : null;
  if (local) return decodeFromSource(spec, local);
  const archive = await ensureOfficialArchive(spec.name, home, options.onDownloadProgress);
  return decodeFromSource(spec, archiveSource(spec, archive));
}

export const cifar10Loader: DatasetLoader = { name: 'cifar10', load: (o) => loadCifar(CIFAR10, o) };
export const cifar100Loader: DatasetLoader = { name: 'cifar100', load: (o) => loadCifar(CIFAR100, o) };
