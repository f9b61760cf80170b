/** The studies table: a definition saved by name, replaced by a newer one, listed; a damaged cell marks the study instead of failing the list. */
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import path from 'node:path';
import { Store } from '../../src-main/store/index.js';
import { parseStudy } from '../../src-main/shared/study.js';
import { tempDir } from '../service/helpers.js';

const study = (description: string) => parseStudy({ name: 's1', description, runs: { presets: ['table3/ascl'], seeds: [0, 1] }, evaluation: { attacks: [{ attack: 'pgd', steps: 5, n: 10 }] } });

describe('store: studies', () => {
  it('saveStudy stores the validated definition by name; saving again replaces it; listStudies lists it once', () => {
    const s = new Store(path.join(tempDir('ascl-studies-'), 'a.db'));
    try {
      expect(s.getStudy('s1')).toBeNull();
      s.saveStudy(study('first'));
      s.saveStudy(study('second'));
      expect(s.getStudy('s1')).toMatchObject({ name: 's1', damage: null, study: { description: 'second', runs: { seeds: [0, 1] } } });
      expect(s.listStudies().map((x) => x.name)).toEqual(['s1']);
      s.deleteStudy('s1');
      expect(s.listStudies()).toEqual([]);
      expect(() => s.deleteStudy('s1')).toThrow(/no study "s1"/);
    } finally { s.close(); }
  });
  it('a stored definition that is not JSON, or not a study, is listed with its damage named', () => {
    const file = path.join(tempDir('ascl-studies-'), 'b.db');
    new Store(file).close();
    const raw = new Database(file);
    raw.prepare("INSERT INTO studies (name, definition, created_at, updated_at) VALUES ('broken', '{nope', 'x', 'x'), ('wrong', '{\"name\":\"wrong\",\"extra\":1}', 'x', 'x')").run();
    raw.close();
    const s = new Store(file, { readonly: true });
    try {
      const [a, b] = s.listStudies().sort((x, y) => x.name.localeCompare(y.name));
      expect(a).toMatchObject({ name: 'broken', study: null, damage: expect.stringMatching(/studies.definition of study broken.*JSON/) });
      expect(b).toMatchObject({ name: 'wrong', study: null, damage: expect.stringMatching(/extra/) });
    } finally { s.close(); }
  });
});
