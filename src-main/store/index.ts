/** The run store: SQLite metadata and metrics plus verified checkpoint files. No TensorFlow here. */
export { Store, StoreError, RunConflictError, newRunId } from './store.js';
export type { StoreErrorCode } from './errors.js';
export { injectWriteFault, type WriteFault } from './faults.js';
export type { Owner } from './base.js';
export type { TaskRecord, TaskKind, TaskStatus } from './tasks.js';
export { openDatabase, BUSY_TIMEOUT_MS, type OpenOptions } from './db.js';
export { SCHEMA_VERSION } from './migrations.js';
export { defaultHome, resolveDbPath, resolveInside, checkpointRelPath } from './paths.js';
export { writeCheckpointFile, readCheckpointFile, CheckpointFileError } from './checkpoint-file.js';
export { writeTrainCheckpoint, readTrainCheckpoint } from './train-checkpoint.js';
export { doctor, doctorFile, type DoctorReport } from './doctor.js';
export type * from './rows.js';
