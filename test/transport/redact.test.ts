/** pathRedactor: what an HTTP client is shown of server paths (home /srv/ascl-home, as ascl serve passes the store folder). */
import { describe, expect, it } from 'vitest';
import { HOME_PLACEHOLDER, PATH_PLACEHOLDER, pathRedactor } from '../../src-main/transport/redact.js';
import { fakeRun } from './fake-service.js';

const r = pathRedactor(['/srv/ascl-home']);

describe('pathRedactor(["/srv/ascl-home"])', () => {
  it.each([
    ['no run "x" in /srv/ascl-home/ascl.db', `no run "x" in ${HOME_PLACEHOLDER}/ascl.db`],
    ['checkpoint /srv/ascl-home/checkpoints/r1/epoch-000001.ckpt: sha256 mismatch', `checkpoint ${HOME_PLACEHOLDER}/checkpoints/r1/epoch-000001.ckpt: sha256 mismatch`],
    ['readTarGz: cannot read /home/alice/data/cifar.tar.gz: ENOENT', `readTarGz: cannot read ${PATH_PLACEHOLDER}: ENOENT`],
    ['dataDir: (got "/home/alice/x")', `dataDir: (got "${PATH_PLACEHOLDER}")`],
    ['open C:\\Users\\alice\\ascl.db failed', `open ${PATH_PLACEHOLDER} failed`],
    ['a sibling /srv/ascl-homework/x is not the home', `a sibling ${PATH_PLACEHOLDER} is not the home`],
  ])('%j -> %j', (input, shown) => {
    expect(r.text(input)).toBe(shown);
  });

  it('leaves API paths, fractions, URLs and ids alone', () => {
    const s = 'POST /api/runs:get: use POST; /events; eps 8/255; see http://127.0.0.1:5317/x; run ab-12';
    expect(r.text(s)).toBe(s);
  });

  it('app:info dbPath and the error of runs:list rows are redacted; other fields untouched', () => {
    expect(r.answer('app:info', { version: '1', backend: null, workers: 2, dbPath: '/srv/ascl-home/ascl.db' }).dbPath).toBe(`${HOME_PLACEHOLDER}/ascl.db`);
    const rows = r.answer('runs:list', [fakeRun('a', { error: 'ENOSPC writing /srv/ascl-home/ascl.db-wal' }), fakeRun('b')]);
    expect(rows.map((x) => x.error)).toEqual([`ENOSPC writing ${HOME_PLACEHOLDER}/ascl.db-wal`, null]);
    expect(r.event('run:status', { id: 'a', status: 'failed', error: 'cannot open /var/lib/x/y' }).error).toBe(`cannot open ${PATH_PLACEHOLDER}`);
  });
});
