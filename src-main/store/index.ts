/** The run store: SQLite metadata and metrics plus verified checkpoint files. No TensorFlow here. */
export { Store, StoreError, newRunId } from './store.js';
export { openDatabase, BUSY_TIMEOUT_MS } from './db.js';
export { SCHEMA_VERSION } from './migrations.js';
export { defaultHome, resolveDbPath, resolveInside, checkpointRelPath } from './paths.js';
export { writeCheckpointFile, readCheckpointFile, CheckpointFileError } from './checkpoint-file.js';
export { writeTrainCheckpoint, readTrainCheckpoint } from './train-checkpoint.js';
export { doctor, type DoctorReport } from './doctor.js';
export type * from './rows.js';
