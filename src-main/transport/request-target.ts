/**
 * The request target of an HTTP request or WebSocket upgrade (RFC 9112 section 3.2), parsed
 * without ever throwing: origin-form (`/path?query`) or absolute-form (`http://host/path`).
 * Anything else, including `//host:port/path` (which WHATWG URL parsing would read as a
 * scheme-relative URL naming another host) and `*`, is a bad target: the caller answers 400.
 */
export function parseTarget(target: string | undefined): URL | null {
  const t = target ?? '/';
  try {
    if (t.startsWith('/') && !t.startsWith('//')) return new URL(`http://placeholder${t}`);
    if (/^https?:\/\//i.test(t)) return new URL(t);
  } catch {
    return null;
  }
  return null;
}

export function badTargetMessage(target: string | undefined): string {
  return `parseTarget: bad request target ${JSON.stringify(String(target).slice(0, 200))}; expected a path such as /api/app:info`;
}
