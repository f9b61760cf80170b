/**
 * The worker's side of the coordinator's HTTP API (queue/wire.ts): one method per route, every
 * request with the bearer token, every reply checked with a schema. Failures are CoordinatorErrors
 * that say whether a retry can help (unreachable, timeout, 5xx) or not (401 token, 409 stale, 400).
 */
import { z } from 'zod';
import {
  CheckpointRefSchema, type ClaimReply, type ClaimRequest, type HeartbeatReply, type HelloReply, type TaskResult,
  type TrainRecord, type WorkerHeartbeat, type WorkerHello,
} from './wire.js';
import { toWireJson } from './wire-json.js';
import { formatIssues } from '../shared/format-issues.js';

export class CoordinatorError extends Error {
  override name = 'CoordinatorError';
  /** status: the HTTP status, null when no reply came (refused, reset, timeout). */
  constructor(message: string, readonly status: number | null) { super(message); }
  get retryable(): boolean { return this.status === null || this.status >= 500 || this.status === 429; }
  get unauthorized(): boolean { return this.status === 401 || this.status === 403; }
  get conflict(): boolean { return this.status === 409; }
}

const HelloReplySchema = z.object({ ok: z.literal(true), coordinator: z.object({ version: z.string() }).passthrough() }).passthrough();
const HeartbeatReplySchema = z.object({ cancelRuns: z.array(z.string()), cancelTasks: z.array(z.number().int()) }).passthrough();
const AppliedSchema = z.object({ ok: z.literal(true), applied: z.boolean() }).passthrough();
const OkSchema = z.object({ ok: z.literal(true) }).passthrough();
const ClaimReplySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('train'), lease: z.string().min(1), config: z.unknown(), checkpoint: CheckpointRefSchema.nullable(),
    datasetFingerprint: z.string().nullable(), keepCheckpoints: z.number().int().min(1) }).passthrough(),
  z.object({ kind: z.literal('task'), lease: z.string().min(1), taskKind: z.enum(['eval', 'analysis']), job: z.unknown(),
    checkpoints: z.array(CheckpointRefSchema), datasetFingerprint: z.string().nullable() }).passthrough(),
]);

export interface CheckpointUpload { runId: string; lease: string; epoch: number; globalStep: number; sha256: string }

export class CoordinatorClient {
  readonly base: URL;
  constructor(base: string, private readonly token: string, private readonly timeoutMs = 60_000) {
    let u: URL;
    try { u = new URL(base); } catch { throw new Error(`CoordinatorClient: ${JSON.stringify(base)} is not a URL (e.g. http://10.0.0.5:5317)`); }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`CoordinatorClient: ${JSON.stringify(base)} must be an http:// or https:// URL`);
    this.base = u;
  }

  async hello(h: WorkerHello): Promise<HelloReply> {
    return this.json('POST', '/worker/hello', JSON.stringify(h), HelloReplySchema) as Promise<HelloReply>;
  }

  async heartbeat(h: WorkerHeartbeat): Promise<HeartbeatReply> {
    // Short: a beat that cannot get through is replaced by the next one (and the last one must not hold up an exit).
    return this.json('POST', '/worker/heartbeat', JSON.stringify(h), HeartbeatReplySchema, 5000);
  }

  /** The claim's reply, or 'stale' on 409 (the run ended, was cancelled, or another attempt runs). */
  async claim(c: ClaimRequest): Promise<ClaimReply | 'stale'> {
    try {
      return (await this.json('POST', '/worker/claim', JSON.stringify(c), ClaimReplySchema)) as ClaimReply;
    } catch (err) {
      if (err instanceof CoordinatorError && err.conflict) return 'stale';
      throw err;
    }
  }

  /** 'lease-lost' on 409: another worker holds the run now. */
  async record(r: TrainRecord): Promise<'applied' | 'duplicate' | 'lease-lost'> {
    return this.applied('/worker/record', toWireJson(r));
  }

  async taskResult(r: TaskResult): Promise<'applied' | 'duplicate' | 'lease-lost'> {
    return this.applied('/worker/task-result', toWireJson(r));
  }

  /** Uploads a checkpoint file's bytes; the coordinator verifies the SHA-256 and writes it atomically. 409: lease lost. */
  async putCheckpoint(u: CheckpointUpload, bytes: Buffer): Promise<void> {
    const q = new URLSearchParams({ runId: u.runId, lease: u.lease, epoch: String(u.epoch), globalStep: String(u.globalStep), sha256: u.sha256 });
    const res = await this.send('PUT', `/worker/checkpoint?${q}`, bytes, 'application/octet-stream');
    await this.parse(res, 'PUT /worker/checkpoint', OkSchema);
  }

  /** A checkpoint's bytes and the SHA-256 the coordinator states for them (checked by the caller). */
  async getCheckpoint(runId: string, epoch: number): Promise<{ bytes: Buffer; sha256: string | null }> {
    const q = new URLSearchParams({ runId, epoch: String(epoch) });
    const what = `GET /worker/checkpoint?${q}`;
    const res = await this.send('GET', `/worker/checkpoint?${q}`);
    if (!res.ok) await this.parse(res, what, OkSchema);
    let bytes: Buffer;
    try { bytes = Buffer.from(await res.arrayBuffer()); } catch (err) { throw new CoordinatorError(`${what}: the download broke off (${(err as Error).message})`, null); }
    return { bytes, sha256: res.headers.get('x-checkpoint-sha256') };
  }

  private async applied(route: string, body: string): Promise<'applied' | 'duplicate' | 'lease-lost'> {
    try {
      const r = await this.json('POST', route, body, AppliedSchema);
      return r.applied ? 'applied' : 'duplicate';
    } catch (err) {
      if (err instanceof CoordinatorError && err.conflict) return 'lease-lost';
      throw err;
    }
  }

  private async json<S extends z.ZodTypeAny>(method: string, route: string, body: string, schema: S, timeoutMs?: number): Promise<z.infer<S>> {
    return this.parse(await this.send(method, route, body, 'application/json', timeoutMs), `${method} ${route}`, schema);
  }

  private async send(method: string, route: string, body?: string | Buffer, type?: string, timeoutMs = this.timeoutMs): Promise<Response> {
    const url = new URL(route, this.base);
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (type !== undefined) headers['content-type'] = type;
    try {
      return await fetch(url, { method, headers, body, signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      const why = e.cause?.code ?? e.cause?.message ?? e.message;
      throw new CoordinatorError(`${method} ${this.base.origin}${route.split('?')[0]}: no reply (${why})`, null);
    }
  }

  private async parse<S extends z.ZodTypeAny>(res: Response, what: string, schema: S): Promise<z.infer<S>> {
    let text = '';
    try { text = await res.text(); } catch (err) { throw new CoordinatorError(`${what}: the reply broke off (${(err as Error).message})`, null); }
    let body: unknown = null;
    try { body = JSON.parse(text); } catch { /* reported below with the text */ }
    if (!res.ok) {
      const message = (body as { error?: { message?: unknown } } | null)?.error?.message;
      const detail = typeof message === 'string' ? message : text.slice(0, 300);
      const hint = res.status === 401 || res.status === 403 ? ' (the coordinator refused the token: give the --token of `ascl serve`)' : '';
      throw new CoordinatorError(`${what}: HTTP ${res.status}${hint}: ${detail}`, res.status);
    }
    const r = schema.safeParse(body);
    if (!r.success) throw new CoordinatorError(`${what}: unexpected reply: ${formatIssues(r.error, body)}`, 502);
    return r.data;
  }
}
