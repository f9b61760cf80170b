/**
 * Versioned schema of the run store. Each migration moves `PRAGMA user_version` from its index
 * to index + 1 inside one transaction, so a database is always at exactly one known version.
 * Never edit a released migration: append a new one.
 */
export const MIGRATIONS: readonly string[] = [
  // v1: runs, metrics, evaluations, analysis results, selection snapshots, checkpoints.
  `
  CREATE TABLE runs (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    group_name    TEXT,
    config        TEXT NOT NULL,            -- RunConfig JSON (defaults filled in); versioned from v2 on, see shared/config-migrations.ts
    backend       TEXT,                     -- backend actually used (set when the run starts)
    seed          INTEGER NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('queued','running','completed','failed','cancelled','interrupted')),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    started_at    TEXT,
    finished_at   TEXT,
    error         TEXT,
    epochs_done   INTEGER NOT NULL DEFAULT 0,
    epochs_total  INTEGER NOT NULL,
    owner_pid     INTEGER,                  -- process that runs it (liveness check on start)
    owner_host    TEXT,
    heartbeat_at  INTEGER                   -- ms since epoch, refreshed while running
  );
  CREATE INDEX runs_status ON runs(status);
  CREATE INDEX runs_created ON runs(created_at);

  -- Long format: one row per (run, term, step); decimation groups by step buckets.
  CREATE TABLE step_metrics (
    run_id  TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    term    TEXT NOT NULL,
    step    INTEGER NOT NULL,
    epoch   INTEGER NOT NULL,
    value   REAL,
    time    INTEGER NOT NULL,               -- ms since epoch
    PRIMARY KEY (run_id, term, step)
  ) WITHOUT ROWID;
  CREATE INDEX step_metrics_run_step ON step_metrics(run_id, step);

  CREATE TABLE epoch_metrics (
    run_id          TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    epoch           INTEGER NOT NULL CHECK (epoch >= 1),
    nat_accuracy    REAL,
    pgd_accuracy    REAL,
    train_accuracy  REAL,
    learning_rate   REAL,
    seconds         REAL,
    terms           TEXT NOT NULL,          -- JSON Record<string, number>
    created_at      TEXT NOT NULL,
    UNIQUE (run_id, epoch)                  -- an epoch can never be stored twice
  );

  CREATE TABLE evaluations (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id           TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    attack           TEXT NOT NULL,
    eps              REAL NOT NULL,
    steps            INTEGER,
    step_size        REAL,
    n                INTEGER NOT NULL,
    seed             INTEGER,
    checkpoint_epoch INTEGER,
    clean_accuracy   REAL NOT NULL,
    robust_accuracy  REAL NOT NULL,
    seconds          REAL NOT NULL,
    outcomes         BLOB,                  -- per sample: 1 = robust (correct on the clean image and its adversarial example)
    created_at       TEXT NOT NULL
  );
  CREATE INDEX evaluations_run ON evaluations(run_id);

  CREATE TABLE rdiv_epochs (
    run_id   TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    epoch    INTEGER NOT NULL,
    d_plus   REAL NOT NULL,
    d_minus  REAL NOT NULL,
    rdiv     REAL NOT NULL,
    PRIMARY KEY (run_id, epoch)
  );
  CREATE TABLE rdiv_eps (
    run_id           TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    eps              REAL NOT NULL,
    d_plus           REAL NOT NULL,
    d_minus          REAL NOT NULL,
    rdiv             REAL NOT NULL,
    robust_accuracy  REAL NOT NULL,
    PRIMARY KEY (run_id, eps)
  );

  CREATE TABLE tsne_points (
    run_id       TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    idx          INTEGER NOT NULL,
    x            REAL NOT NULL,
    y            REAL NOT NULL,
    label        INTEGER NOT NULL,
    adversarial  INTEGER NOT NULL,
    entropy      REAL NOT NULL,
    PRIMARY KEY (run_id, idx)
  );

  CREATE TABLE selection_snapshots (
    run_id        TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    epoch         INTEGER NOT NULL,
    anchor_index  INTEGER NOT NULL,
    anchor_label  INTEGER NOT NULL,
    positives     TEXT NOT NULL,            -- JSON [{index, adversarial}]
    negatives     TEXT NOT NULL,
    PRIMARY KEY (run_id, epoch, anchor_index)
  );

  CREATE TABLE checkpoints (
    run_id       TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    epoch        INTEGER NOT NULL,
    global_step  INTEGER NOT NULL,
    file         TEXT NOT NULL,             -- relative to the store's folder
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (run_id, epoch)
  );
  `,
  // v2: live progress of running runs, refreshed with the heartbeat, so every process sharing the
  // store (desktop app, CLI, server) shows a run's progress and time left, not only its owner.
  `
  ALTER TABLE runs ADD COLUMN progress REAL NOT NULL DEFAULT 0;  -- 0..1 within the current epoch
  ALTER TABLE runs ADD COLUMN eta_seconds REAL;
  `,
  // v3: background tasks (evaluations and analyses started through the API) with stored ids, so
  // every task ends with a recorded outcome. run_id is not a foreign key: a task whose run was
  // deleted before it finished keeps its row and the error that says so.
  `
  CREATE TABLE tasks (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    kind         TEXT NOT NULL CHECK (kind IN ('eval','analysis')),
    run_id       TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('queued','running','completed','failed','interrupted')),
    request      TEXT NOT NULL,            -- JSON of the request that started it
    error        TEXT,
    result_id    INTEGER,                  -- evaluations.id of an evaluation task
    owner_pid    INTEGER,
    owner_host   TEXT,
    created_at   TEXT NOT NULL,
    finished_at  TEXT
  );
  CREATE INDEX tasks_run ON tasks(run_id);
  `,
  // v4: the collapse check of every epoch (engine/train/collapse.ts); NULL for epochs stored before.
  `
  ALTER TABLE epoch_metrics ADD COLUMN dead_latent_fraction REAL;
  ALTER TABLE epoch_metrics ADD COLUMN collapse_warning TEXT;
  `,
  // v5: the resolved evaluation protocol (attack, dataset, eps, step, steps, restarts, n of the test
  // split's size, subset, seed, composite parts) stored with each evaluation; NULL for older rows.
  `
  ALTER TABLE evaluations ADD COLUMN protocol TEXT;              -- JSON EvaluationProtocol (shared/evaluation.ts)
  `,
  // v6: per-example data beside the per-sample outcomes (NULL for older rows): the clean prediction's
  // correctness, the true labels of the n images, and for a point of an eps grid the smallest grid
  // eps that breaks each image (NaN: robust at every eps of the grid).
  `
  ALTER TABLE evaluations ADD COLUMN clean_correct BLOB;         -- Uint8 [n], 1 = correct on the clean image
  ALTER TABLE evaluations ADD COLUMN labels BLOB;                -- Int32 little-endian [n]
  ALTER TABLE evaluations ADD COLUMN breaking_eps BLOB;          -- Float64 little-endian [n], NaN = never broken on the grid
  `,
  // v7: the attack-iteration axis of an evaluation (shared/iterations.ts): robust accuracy per iteration
  // checkpoint, and per image the checkpoint (total iterations) from which it stays broken; NULL where not recorded.
  `
  ALTER TABLE evaluations ADD COLUMN iterations TEXT;            -- JSON IterationPoint[] (shared/iterations.ts)
  ALTER TABLE evaluations ADD COLUMN breaking_iteration BLOB;    -- Float64 little-endian [n], 0 = clean-misclassified, NaN = never broken
  `,
  // v8: studies (shared/study.ts): each study's validated definition by name. Runs and evaluations
  // are not linked to it: they are found by configuration, so the table holds nothing else.
  `
  CREATE TABLE studies (
    name         TEXT PRIMARY KEY,
    definition   TEXT NOT NULL,            -- JSON Study with its studyVersion
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
  );
  `,
  // v9: per-example predictions and the attack batch size (NULL for older rows): the examples view
  // shows the predicted labels without recomputing them, and regenerates an image's adversarial
  // example by attacking its batch again with the stored seed (seed + the batch's first index).
  `
  ALTER TABLE evaluations ADD COLUMN clean_pred BLOB;            -- Int32 little-endian [n], class predicted on the clean image
  ALTER TABLE evaluations ADD COLUMN adv_pred BLOB;              -- Int32 little-endian [n], class predicted on the deciding adversarial example
  ALTER TABLE evaluations ADD COLUMN batch_size INTEGER;         -- images per attack batch
  `,
  // v10: the device each run trained on (shared/run-device.ts): its --gpu index and webgpu adapter; NULL for older runs.
  `
  ALTER TABLE runs ADD COLUMN device TEXT;                       -- JSON RunDevice, set when the run's worker starts
  `,
  // v11: distributed mode (issue 10). A run sent through the broker records its queue, the attempt (1 + the times it
  // was dispatched again), the worker and lease holding it; every run records the SHA-256 of the data it trained on.
  // The workers table is what the coordinator last heard from each \`ascl worker\` (the Workers view).
  `
  ALTER TABLE runs ADD COLUMN queue_name TEXT;                   -- NULL: trained in the process that started it
  ALTER TABLE runs ADD COLUMN attempt INTEGER NOT NULL DEFAULT 1;
  ALTER TABLE runs ADD COLUMN worker_id TEXT;                    -- WorkerInfo.id of the worker holding the lease
  ALTER TABLE runs ADD COLUMN lease TEXT;                        -- quoted by every record of that worker
  ALTER TABLE runs ADD COLUMN dataset_fingerprint TEXT;          -- SHA-256 hex of the loaded train+test data
  CREATE TABLE workers (
    id             TEXT PRIMARY KEY,
    info           TEXT NOT NULL,          -- JSON WorkerInfo (shared/workers.ts) as of the last hello or heartbeat
    last_heartbeat INTEGER NOT NULL        -- ms since the epoch
  );
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;
