/**
 * The HTTP transport's answers: JSON bodies with the status of each ApiError code, JSON replies
 * written straight to a socket (parser errors, refused upgrades), and the size-limited body reader.
 */
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { ApiErrorBody } from '../shared/channels.js';
import { ApiError, toErrorBody } from '../api/dispatch.js';
import type { Redactor } from './redact.js';

const STATUS: Readonly<Record<ApiErrorBody['error']['code'], number>> = {
  'bad-request': 400, unauthorized: 401, 'not-found': 404, conflict: 409, 'too-large': 413, internal: 500,
};

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
  res.end(text);
}

export function sendError(res: ServerResponse, err: unknown, redact: Redactor): void {
  const body = toErrorBody(err);
  sendJson(res, STATUS[body.error.code], { error: { code: body.error.code, message: redact.text(body.error.message) } });
}

/** The JSON answer to a request the HTTP parser refused (Node's default would be a bare 400 without a body). */
export function clientErrorReply(err: NodeJS.ErrnoException): string {
  const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : err.code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW' ? 413 : 400;
  const code: ApiErrorBody['error']['code'] = status === 413 ? 'too-large' : 'bad-request';
  return rawJsonReply(status, { error: { code, message: `http: malformed request (${err.code ?? 'parse error'})` } });
}

/** A whole HTTP/1.1 response with a JSON error body, for sockets that have no ServerResponse (parser errors, refused upgrades). */
export function rawJsonReply(status: number, body: ApiErrorBody): string {
  const text = JSON.stringify(body);
  return `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\n` +
    `Cache-Control: no-store\r\nConnection: close\r\n\r\n${text}`;
}

/** Reads the body, refusing more than limit bytes (413) without buffering the excess. */
export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(new ApiError('too-large', `request body of ${declared} bytes is over the ${limit}-byte limit`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) { req.pause(); reject(new ApiError('too-large', `request body is over the ${limit}-byte limit`)); return; }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
