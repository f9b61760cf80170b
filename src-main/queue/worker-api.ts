/**
 * The coordinator's worker API (queue/wire.ts), mounted under /worker/ in the HTTP server by a thin hook
 * (transport/http.ts `routes`). The token is required here on every request, loopback included; every
 * body is validated with the wire's schemas; answers are JSON (errors as ApiErrorBody via the transport).
 */
import crypto from 'node:crypto';
import os from 'node:os';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { ApiError } from '../api/dispatch.js';
import { readBody, sendJson } from '../transport/http-replies.js';
import { formatIssues } from '../shared/format-issues.js';
import type { WorkerInfo } from '../shared/workers.js';
import { getCheckpoint, putCheckpoint } from './checkpoint-upload.js';
import { claim } from './claim.js';
import type { CoordinatorState } from './coordinator-state.js';
import { applyRecord } from './remote-train.js';
import { fromWireJson } from './wire-json.js';
import {
  ClaimRequestSchema, TaskResultSchema, TrainRecordSchema, WorkerHeartbeatSchema, WorkerHelloSchema, type HeartbeatReply,
} from './wire.js';

/** A record carries an epoch's steps: larger than an API call. */
const MAX_RECORD_BYTES = 64 * 1024 * 1024;

function tokenOk(s: CoordinatorState, req: IncomingMessage): boolean {
  const auth = req.headers.authorization ?? '';
  const m = /^Bearer\s+(.+)$/i.exec(auth);
  if (!m) return false;
  const a = crypto.createHash('sha256').update(m[1].trim()).digest();
  const b = crypto.createHash('sha256').update(s.token).digest();
  return crypto.timingSafeEqual(a, b);
}

async function body<T>(req: IncomingMessage, schema: z.ZodType<T>, where: string, wire = false): Promise<T> {
  const text = await readBody(req, MAX_RECORD_BYTES);
  let raw: unknown;
  try { raw = wire ? fromWireJson(text) : JSON.parse(text); } catch (err) { throw new ApiError('bad-request', `${where}: ${(err as Error).message}`); }
  const p = schema.safeParse(raw);
  if (!p.success) throw new ApiError('bad-request', `${where}: ${formatIssues(p.error)}`);
  return p.data;
}

function workerRow(s: CoordinatorState, id: string, now: number): WorkerInfo {
  return s.store.getWorker(id)?.info ?? {
    id, host: id.split('-')[0] || os.hostname(), pid: 1, queue: 'default', backend: '?', gpu: null, cores: 1, concurrency: 1,
    state: 'idle', message: null, jobs: [], version: '?', startedAt: new Date(now).toISOString(), lastHeartbeat: new Date(now).toISOString(),
  };
}

/** Handles one /worker/* request; throws ApiError for the transport to answer. */
export async function handleWorkerRequest(s: CoordinatorState, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  if (!tokenOk(s, req)) throw new ApiError('unauthorized', `${req.method} ${url.pathname}: the worker API needs the coordinator's token (Authorization: Bearer T, as given to ascl serve --token)`);
  const route = `${req.method} ${url.pathname}`;
  const now = Date.now();
  switch (route) {
    case 'POST /worker/hello': {
      const h = await body(req, WorkerHelloSchema, route);
      const iso = new Date(now).toISOString();
      s.store.upsertWorker({ id: h.workerId, host: h.host, pid: h.pid, queue: h.queue, backend: h.backend, gpu: h.gpu, cores: h.cores, concurrency: h.concurrency,
        state: 'idle', message: null, jobs: [], version: h.version, startedAt: iso, lastHeartbeat: iso }, now);
      s.log(`coordinator: worker ${h.workerId} (${h.host}, ${h.backend}, queue ${h.queue}, ${h.concurrency} slot(s)) said hello`);
      sendJson(res, 200, { ok: true, coordinator: { version: s.version } });
      return;
    }
    case 'POST /worker/heartbeat': {
      const hb = await body(req, WorkerHeartbeatSchema, route);
      const row = workerRow(s, hb.workerId, now);
      s.store.upsertWorker({ ...row, state: hb.state, message: hb.message, jobs: hb.jobs, lastHeartbeat: new Date(now).toISOString() }, now);
      sendJson(res, 200, heartbeatReply(s, hb.workerId, hb.jobs.map((j) => j.runId)) satisfies HeartbeatReply);
      return;
    }
    case 'POST /worker/claim': {
      const c = await body(req, ClaimRequestSchema, route);
      sendJson(res, 200, claim(s, c));
      return;
    }
    case 'POST /worker/record': {
      const r = await body(req, TrainRecordSchema, route, true);
      sendJson(res, 200, { ok: true, ...applyRecord(s, r) });
      return;
    }
    case 'POST /worker/task-result': {
      const t = await body(req, TaskResultSchema, route, true);
      sendJson(res, 200, { ok: true, ...s.tasks.result(t) });
      return;
    }
    case 'PUT /worker/checkpoint':
      sendJson(res, 200, await putCheckpoint(s, req, url));
      return;
    case 'GET /worker/checkpoint':
      await getCheckpoint(s, res, url);
      return;
    default:
      throw new ApiError('not-found', `${route}: no such worker API route (see src-main/queue/wire.ts)`);
  }
}

/**
 * The runs this worker must stop: cancelled in the UI, ended here (failed on a dataset mismatch), or held by
 * another worker's lease now (a superseded worker that came back must not keep training).
 */
function heartbeatReply(s: CoordinatorState, workerId: string, runIds: string[]): HeartbeatReply {
  const cancelRuns = new Set<string>();
  for (const [runId, w] of s.cancels) if (w === workerId) cancelRuns.add(runId);
  for (const id of runIds) {
    const r = s.store.getRun(id);
    if (!r || r.status === 'failed' || r.status === 'cancelled' || (r.status === 'running' && r.workerId !== null && r.workerId !== workerId)) cancelRuns.add(id);
  }
  return { cancelRuns: [...cancelRuns], cancelTasks: [] };
}
