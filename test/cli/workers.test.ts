/**
 * `ascl workers`: the table and the JSON of a fixed list of workers (injected through the command's
 * service opener, answering the workers:list channel), at a fixed clock; an empty list; a host name
 * with a terminal escape printed harmless; and the real program on a store that does not exist yet.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAppService } from '../../src-main/service/app-service.js';
import { workersCommand, type WorkersSource } from '../../src-main/cli/workers.js';
import { buildProgram } from '../../src-main/cli/index.js';
import type { WorkerInfo } from '../../src-main/shared/workers.js';
import { twoWorkers } from '../fixtures/worker-fixtures.js';

const NOW = Date.parse('2026-12-02T05:00:00Z');

/** Runs the command with the given workers; returns stdout, the paths it opened and whether it closed the source. */
async function run(args: string[], workers: WorkerInfo[]): Promise<{ out: string; opened: string[]; closed: number }> {
  const opened: string[] = [];
  let closed = 0;
  const open = async (dbPath: string): Promise<WorkersSource> => {
    opened.push(dbPath);
    return { 'workers:list': async () => workers, close: () => { closed++; } };
  };
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => { out += String(chunk); return true; });
  try {
    await workersCommand(open, () => NOW).exitOverride().parseAsync(args, { from: 'user' });
  } finally { spy.mockRestore(); }
  return { out, opened, closed };
}

afterEach(() => { vi.restoreAllMocks(); });

describe('ascl workers', () => {
  it('2 workers: a header and 2 rows, columns aligned, heartbeat "3s ago" and "61s ago", the stopped one says why', async () => {
    const { out, opened, closed } = await run(['--db', '/tmp/ascl-workers-test.db'], twoWorkers(NOW));
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^HOST\s+PID\s+QUEUE\s+BACKEND\s+CORES\s+CONCURRENCY\s+STATE\s+JOBS\s+HEARTBEAT\s+ID$/);
    expect(lines[1]).toMatch(/^gpu1\s+4242\s+gpu-a100\s+tensorflow \(NVIDIA A100 80GB\)\s+32\s+2\/2\s+busy\s+train run-007 \(epoch 3, 46%\); eval run-003 \(eval task 9\)\s+3s ago\s+gpu1-4242-ab12$/);
    expect(lines[2]).toMatch(/^cpu7\s+99\s+default\s+wasm\s+8\s+0\/4\s+stopped: 3 jobs failed in a row \(--max-failures 3\)\s+-\s+61s ago\s+cpu7-99-cd34$/);
    // Aligned: every row's QUEUE column starts where the header's does.
    for (const l of lines.slice(1)) expect(l.indexOf(l.split(/\s{2,}/)[2])).toBe(lines[0].indexOf('QUEUE'));
    expect(opened).toEqual(['/tmp/ascl-workers-test.db']);
    expect(closed).toBe(1);
  });

  it('--json prints the WorkerInfo[] as the channel answered it (2 entries, ids and jobs intact)', async () => {
    const workers = twoWorkers(NOW);
    const { out } = await run(['--json'], workers);
    expect(JSON.parse(out)).toEqual(workers);
    expect(out.endsWith('\n')).toBe(true);
  });

  it('an empty list says no worker has reported to this store\'s coordinator, naming the store', async () => {
    const { out, closed } = await run(['--db', '/tmp/none.db'], []);
    expect(out).toBe('no workers have reported to this store\'s coordinator (/tmp/none.db)\n');
    expect(closed).toBe(1);
  });

  it('a host name with ESC[31m and a message with a newline are printed as \\u001b and a space, never raw', async () => {
    const [w] = twoWorkers(NOW);
    const { out } = await run([], [{ ...w, host: 'evil\u001b[31m', state: 'retrying', message: 'coordinator unreachable\nretrying in 8 s' }]);
    expect(out).not.toContain('\u001b');
    expect(out).toContain('evil\\u001b[31m');
    expect(out).toContain('retrying: coordinator unreachable retrying in 8 s');
  });

  it('the real program, `ascl workers --json --db` of a store that does not exist: [] and nothing created', async () => {
    let out = '';
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => { out += String(chunk); return true; });
    try { await buildProgram().parseAsync(['workers', '--json', '--db', '/tmp/ascl-no-such-folder-xyz/ascl.db'], { from: 'user' }); } finally { spy.mockRestore(); }
    expect(JSON.parse(out)).toEqual([]);
    expect(fs.existsSync('/tmp/ascl-no-such-folder-xyz')).toBe(false);
  });

  it('the real program on an existing store, read through the service\'s workers:list: none, then gpu1 after its heartbeat is stored', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ascl-workers-'));
    try {
      const db = path.join(dir, 'ascl.db');
      const service = await createAppService({ dbPath: db, workers: 1 });
      await service.close();
      const ascl = async (args: string[]): Promise<string> => {
        let out = '';
        const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => { out += String(chunk); return true; });
        try { await buildProgram().parseAsync(['workers', ...args, '--db', db], { from: 'user' }); } finally { spy.mockRestore(); }
        return out;
      };
      expect(await ascl([])).toBe(`no workers have reported to this store's coordinator (${db})\n`);
      // As the coordinator records a heartbeat (the store's workers table), one second ago.
      const writer = await createAppService({ dbPath: db, workers: 1 });
      const [gpu] = twoWorkers(Date.now());
      writer.store.upsertWorker(gpu, Date.now() - 1000);
      await writer.close();
      const listed = JSON.parse(await ascl(['--json'])) as WorkerInfo[];
      expect(listed.map((w) => [w.id, w.state, w.jobs.length])).toEqual([['gpu1-4242-ab12', 'busy', 2]]);
      expect(await ascl([])).toMatch(/^HOST.*\ngpu1\s+4242\s+gpu-a100\s.*busy.*\ds ago\s+gpu1-4242-ab12\n$/s);
    } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  });
});
