/**
 * Access rules of the served UI: loopback by default, a token for any
 * other address (compared in constant time), Host and Origin checks against DNS rebinding and
 * cross-site WebSocket hijacking, and one Content-Security-Policy shared with Electron.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/** The CSP of every page the app shows (served UI and Electron window): no inline script, no remote content. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/** Headers sent with every response. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || h === '0:0:0:0:0:0:0:1';
  return false;
}

/**
 * Constant-time token check. Both sides are hashed first so that timingSafeEqual always
 * compares equal-length buffers and the token's length does not leak either.
 */
export function tokenMatches(expected: string, given: string | undefined | null): boolean {
  if (typeof given !== 'string') return false;
  const a = createHash('sha256').update(expected, 'utf8').digest();
  const b = createHash('sha256').update(given, 'utf8').digest();
  return timingSafeEqual(a, b);
}

export const TOKEN_COOKIE = 'ascl_token';

/** The token a request carries, or why it cannot be read (a malformed cookie is the client's error, never an exception). */
export type RequestToken = { ok: true; token: string | null } | { ok: false; reason: string };

/** The token a request carries: `Authorization: Bearer T`, the `ascl_token` cookie, or `?token=T` (browser WebSocket). */
export function requestToken(req: IncomingMessage, url: URL): RequestToken {
  const auth = req.headers.authorization;
  if (auth && /^Bearer\s+/i.test(auth)) return { ok: true, token: auth.replace(/^Bearer\s+/i, '').trim() };
  const cookie = req.headers.cookie;
  if (cookie) {
    for (const part of cookie.split(';')) {
      const [k, ...v] = part.trim().split('=');
      if (k !== TOKEN_COOKIE) continue;
      const raw = v.join('=');
      try {
        return { ok: true, token: decodeURIComponent(raw) };
      } catch {
        return { ok: false, reason: `requestToken: the ${TOKEN_COOKIE} cookie is not valid percent-encoding (got ${JSON.stringify(raw.slice(0, 80))}); open the URL printed by ascl serve again` };
      }
    }
  }
  return { ok: true, token: url.searchParams.get('token') };
}

/**
 * Host names this server answers to: the loopback names and the bound address, each with the port.
 * Checking the Host header defeats DNS rebinding (a hostile page whose name resolves to 127.0.0.1).
 */
export function allowedHosts(boundHost: string, port: number): Set<string> {
  const names = new Set(['127.0.0.1', 'localhost', '[::1]']);
  const bound = isIP(boundHost) === 6 ? `[${boundHost}]` : boundHost;
  if (!['0.0.0.0', '[::]'].includes(bound)) names.add(bound.toLowerCase());
  return new Set([...names].map((n) => `${n}:${port}`));
}

export function hostAllowed(req: IncomingMessage, hosts: Set<string>, anyHost: boolean): boolean {
  const host = req.headers.host?.toLowerCase();
  if (!host) return false;
  return anyHost || hosts.has(host);
}

/**
 * Origin check for WebSocket upgrades and API posts: a browser always sends Origin there, and it
 * must be this server's own origin. A missing Origin means a non-browser client (CLI, test), which
 * cannot be driven by a hostile page; it still needs the token where one is set.
 */
export function originAllowed(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  const host = req.headers.host;
  if (!host) return false;
  return origin === `http://${host}` || origin === `https://${host}`;
}
