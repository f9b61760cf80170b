/**
 * Versions of the stored run configuration, beside the SQL migrations of the store: a run's
 * configuration (the `runs.config` column) and the configuration inside each checkpoint file are
 * stored as `{ configVersion, ...RunConfig }`, and read back through the chain below, so a run
 * stored by an older version resumes, evaluates and analyses with the values it was trained with.
 *
 * Version 1 is the form stored before versions existed: a RunConfig object with no `configVersion`.
 * CONFIG_MIGRATIONS[i] turns a version i + 1 configuration into version i + 2; the current version
 * is CONFIG_MIGRATIONS.length + 1. Entries are pure, and a released entry is never edited: append.
 *
 * Adding a field with a new default: append `pin({ field: oldBehaviourValue })`, so older runs keep
 * the behaviour they were trained with. Renaming a key: append `renameKey('old', 'new')`.
 */
import { ConfigError, parseRunConfig, type RunConfig } from './run-config.js';

/** A configuration as JSON from the store or a checkpoint, before migration. */
export type StoredConfigObject = Record<string, unknown>;

/** One step of the chain: a version N configuration (without its version key) to version N + 1. */
export type ConfigMigration = (config: StoredConfigObject) => StoredConfigObject;

/** Fills fields an older version did not have with the values that reproduce its behaviour. */
export function pin(values: StoredConfigObject): ConfigMigration {
  return (config) => ({ ...values, ...config });
}

/** Moves the value of key `from` to key `to` (a key renamed in the schema). */
export function renameKey(from: string, to: string): ConfigMigration {
  return (config) => {
    if (!Object.prototype.hasOwnProperty.call(config, from)) return config;
    if (Object.prototype.hasOwnProperty.call(config, to)) {
      throw new ConfigError(`renameKey(${from} -> ${to}): the stored configuration has both keys (${JSON.stringify(config[from])} and ${JSON.stringify(config[to])})`);
    }
    const { [from]: value, ...rest } = config;
    return { ...rest, [to]: value };
  };
}

/** The ordered chain; index i migrates version i + 1 to i + 2. */
export const CONFIG_MIGRATIONS: readonly ConfigMigration[] = [
  // v1 -> v2: fields added with defaults that change behaviour; runs stored before keep theirs.
  // batchNorm, latent: small-cnn and cnn were built without batch norm, the latent the penultimate layer (docs/small-models.md);
  // the contrastive term was the mean over the 2N anchors, adversarial anchors keyed on their own
  // prediction, the ResNets in the PyTorch layout, shifts whole pixels with zero fill (docs/paper-vs-code.md).
  pin({
    batchNorm: false, latent: 'penultimate', sclReduction: 'anchor-mean', adversarialAnchorKey: 'code',
    resnetSetting: 'pytorch', augmentShiftMode: 'whole-pixel-zero',
  }),
];

export const CONFIG_VERSION_KEY = 'configVersion';

/** The version this code writes (and the newest it reads). */
export const CONFIG_VERSION = CONFIG_MIGRATIONS.length + 1;

/** The form written to the store and to checkpoint files. */
export function toStoredConfig(config: RunConfig): StoredConfigObject {
  return { [CONFIG_VERSION_KEY]: CONFIG_VERSION, ...config };
}

/**
 * Brings a stored configuration to the current version (without its version key, not yet
 * validated). A version newer than `migrations` knows is refused: it was written by a newer
 * ASCL Studio, whose fields this one cannot interpret.
 */
export function migrateConfig(stored: unknown, where: string, migrations: readonly ConfigMigration[] = CONFIG_MIGRATIONS): StoredConfigObject {
  if (stored === null || typeof stored !== 'object' || Array.isArray(stored)) {
    throw new ConfigError(`${where}: the stored configuration is not a JSON object (got ${JSON.stringify(stored)?.slice(0, 120)})`);
  }
  const { [CONFIG_VERSION_KEY]: rawVersion, ...config } = stored as StoredConfigObject;
  const version = rawVersion === undefined ? 1 : rawVersion;
  const newest = migrations.length + 1;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new ConfigError(`${where}: ${CONFIG_VERSION_KEY} must be a whole number >= 1 (got ${JSON.stringify(rawVersion)})`);
  }
  if (version > newest) {
    throw new ConfigError(`${where}: the stored configuration is version ${version}, written by a newer ASCL Studio; this one reads versions 1 to ${newest}. Update ASCL Studio to resume, evaluate or analyse this run`);
  }
  return migrations.slice(version - 1).reduce((c, migrate) => migrate(c), config);
}

/** A stored configuration migrated to the current version and validated, defaults filled in. */
export function readStoredConfig(stored: unknown, where: string, migrations: readonly ConfigMigration[] = CONFIG_MIGRATIONS): RunConfig {
  return parseRunConfig(migrateConfig(stored, where, migrations), where);
}
