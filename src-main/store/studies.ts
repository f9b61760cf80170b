/**
 * Studies (shared/study.ts): the definition of each study by name, as validated when it was saved.
 * A study owns no runs: its runs and evaluations are found by configuration (service/study/), so a
 * run trained outside the study with the same configuration counts for it. Part of the Store.
 */
import { parseStudy, StudyError, type Study } from '../shared/study.js';
import { StoreError } from './errors.js';
import { RunTables } from './runs.js';

export interface StudyRecord {
  name: string;
  /** The definition; null when the stored value cannot be read (`damage` says why). */
  study: Study | null;
  damage: string | null;
  createdAt: string;
  updatedAt: string;
}

interface StudyDbRow { name: string; definition: string; created_at: string; updated_at: string }

const nowIso = (): string => new Date().toISOString();

export class StudyTables extends RunTables {
  /** Stores the study under its name, replacing an older definition of the same name. */
  saveStudy(study: Study): void {
    const t = nowIso();
    this.write(`saveStudy(${study.name})`, () => this.db.prepare(`INSERT INTO studies (name, definition, created_at, updated_at) VALUES (?, ?, ?, ?)
      ON CONFLICT(name) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at`).run(study.name, JSON.stringify(study), t, t));
  }

  getStudy(name: string): StudyRecord | null {
    const r = this.read(`getStudy(${name})`, () => this.db.prepare('SELECT * FROM studies WHERE name = ?').get(name) as StudyDbRow | undefined);
    return r ? this.toStudy(r) : null;
  }

  listStudies(): StudyRecord[] {
    const rows = this.read('listStudies', () => this.db.prepare('SELECT * FROM studies ORDER BY updated_at DESC, name').all() as StudyDbRow[]);
    return rows.map((r) => this.toStudy(r));
  }

  deleteStudy(name: string): void {
    const res = this.write(`deleteStudy(${name})`, () => this.db.prepare('DELETE FROM studies WHERE name = ?').run(name));
    if (res.changes === 0) throw new StoreError(`deleteStudy: no study ${JSON.stringify(name)} in ${this.dbPath}`, 'not-found');
  }

  private toStudy(r: StudyDbRow): StudyRecord {
    let study: Study | null = null;
    let damage: string | null = null;
    try {
      study = parseStudy(JSON.parse(r.definition) as unknown, `study ${r.name}`);
    } catch (err) {
      if (!(err instanceof SyntaxError || err instanceof StudyError)) throw err;
      damage = `the stored studies.definition of study ${r.name} cannot be read: ${err.message}`;
    }
    return { name: r.name, study, damage, createdAt: r.created_at, updatedAt: r.updated_at };
  }
}
