/**
 * Concurrent resume from two OS processes on one store, repeated: every round a fresh run is left
 * resumable (even rounds `interrupted`; odd rounds `running` under a dead pid, so both contenders
 * first mark it interrupted), both processes are released at the same instant and each does what
 * `runs:resume` does. Exactly one must win each round, the other must get a conflict naming the
 * run and its status, and the stored owner must be the winner: zero double ownerships. Then one
 * process resumes while the other deletes the same interrupted run: exactly one of them succeeds.
 */
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRunConfig } from '../../src-main/shared/run-config.js';
import { Store } from '../../src-main/store/index.js';
import { tempDir } from '../service/helpers.js';

const ROUNDS = 60;
const DELETE_ROUNDS = 20;
const dir = tempDir('ascl-race-');
const db = path.join(dir, 'ascl.db');
const racer = path.join(import.meta.dirname, 'fixtures', 'resume-racer.ts');
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.connected) c.send({ quit: true });
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Reply { round: number; pid: number; won: boolean; message: string | null; status: string | null; conflict?: boolean; code?: string | null }

function start(): Promise<ChildProcess> {
  const child = fork(racer, [db], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`resume-racer exited with code ${code} before it was ready`)));
  });
}

const reply = (c: ChildProcess, round: number): Promise<Reply> => new Promise((resolve) => {
  const on = (m: Reply): void => { if (m.round === round) { c.off('message', on); resolve(m); } };
  c.on('message', on);
});

describe(`concurrent resume: ${ROUNDS} resume/resume and ${DELETE_ROUNDS} resume/delete races of two OS processes on one store`, () => {
  it('exactly one winner per race; the loser gets a conflict naming the run and its status (or not-found after a delete); 0 double ownerships', async () => {
    const store = new Store(db);
    const racers = await Promise.all([start(), start()]);
    const deadPid = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString());
    const host = os.hostname();
    let winners = 0;
    let doubles = 0;
    const wins = new Map<number, number>();
    for (let round = 0; round < ROUNDS; round++) {
      const run = store.createRun({ name: `race-${round}`, group: null, config: parseRunConfig({ dataset: 'synthetic' }), seed: round, epochsTotal: 1 });
      if (round % 2 === 0) store.transition(run.id, 'interrupted', { from: ['queued'], where: 'test' });
      else store.transition(run.id, 'running', { from: ['queued'], claim: { pid: deadPid, host }, where: 'test' });
      const at = Date.now() + 40;
      const answers = Promise.all(racers.map((c) => reply(c, round)));
      for (const c of racers) c.send({ round, runId: run.id, at, op: 'resume' });
      const got = await answers;
      const won = got.filter((g) => g.won);
      if (won.length === 2) doubles++;
      expect(won.length, `round ${round}: ${JSON.stringify(got)}`).toBe(1);
      winners++;
      wins.set(won[0].pid, (wins.get(won[0].pid) ?? 0) + 1);
      const lost = got.find((g) => !g.won)!;
      expect(lost.conflict, lost.message ?? '').toBe(true);
      expect(lost.status).toBe('queued');
      expect(lost.message).toMatch(new RegExp(`runs:resume: run ${run.id} is queued \\(owned by pid ${won[0].pid} on .+\\); only interrupted, failed or cancelled runs resume`));
      const after = store.requireRun(run.id);
      expect([after.status, after.ownerPid]).toEqual(['queued', won[0].pid]);
    }
    store.close();
    console.log(`resume race: ${ROUNDS} races, ${winners} winners, ${doubles} double ownerships; wins per process ${JSON.stringify([...wins.values()])}`);
    expect([winners, doubles]).toEqual([ROUNDS, 0]);

    // Resume against delete on an interrupted run: exactly one of the two transitions happens.
    const again = new Store(db);
    let resumed = 0;
    let deleted = 0;
    for (let round = ROUNDS; round < ROUNDS + DELETE_ROUNDS; round++) {
      const run = again.createRun({ name: `race-${round}`, group: null, config: parseRunConfig({ dataset: 'synthetic' }), seed: round, epochsTotal: 1 });
      again.transition(run.id, 'interrupted', { from: ['queued'], where: 'test' });
      const at = Date.now() + 40;
      const answers = Promise.all(racers.map((c) => reply(c, round)));
      racers.forEach((c, i) => c.send({ round, runId: run.id, at, op: i === round % 2 ? 'delete' : 'resume' }));
      const got = await answers;
      expect(got.filter((g) => g.won).length, `round ${round}: ${JSON.stringify(got)}`).toBe(1);
      const after = again.getRun(run.id);
      if (after === null) {
        deleted++;
        expect(got.find((g) => !g.won)!.code).toBe('not-found');
      } else {
        resumed++;
        expect(after.status).toBe('queued');
        expect(got.find((g) => !g.won)!.message).toMatch(new RegExp(`runs:delete: run ${run.id} is queued .*; cancel it first`));
      }
    }
    again.close();
    console.log(`resume/delete race: ${DELETE_ROUNDS} races, ${resumed} resumed, ${deleted} deleted, 0 both`);
    expect(resumed + deleted).toBe(DELETE_ROUNDS);
  }, 120_000);
});
