/**
 * Raw HTTP and WebSocket bytes for the transport fuzz suite: requests written to a plain `net`
 * socket on 127.0.0.1 (so malformed request lines, headers, bodies and frames reach the server
 * unchanged), the first response parsed, and WebSocket frames built by hand (RFC 6455 section 5.2).
 */
import net from 'node:net';

export interface RawReply { status: number | null; headers: Record<string, string>; body: string; bytes: number }

/** Longest a case waits for the server to close the connection before closing it itself (not an assertion). */
const SAFETY_MS = 3000;
/**
 * Silence after which the client half-closes (a server waiting for more body bytes then sees the
 * end). Not at once: Node's server drops a pending answer when the client half-closes first.
 */
const IDLE_END_MS = 150;

export function parseReply(raw: Buffer): RawReply {
  const text = raw.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  const head = end < 0 ? text : text.slice(0, end);
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(head);
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n').slice(1)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  let body = end < 0 ? '' : raw.subarray(Buffer.byteLength(text.slice(0, end + 4), 'latin1')).toString('utf8');
  const length = Number(headers['content-length']);
  if (Number.isInteger(length)) body = Buffer.from(body).subarray(0, length).toString('utf8');
  return { status: m ? Number(m[1]) : null, headers, body, bytes: raw.length };
}

/**
 * Writes `chunks` to a new connection (then, unless keepOpen, half-closes it) and collects
 * everything the server sends until it closes the connection.
 * afterHandshake: bytes written once a 101 arrived (WebSocket frames).
 */
export function exchange(port: number, chunks: Buffer[], o: { afterHandshake?: Buffer[] } = {}): Promise<RawReply> {
  return new Promise((resolve) => {
    const got: Buffer[] = [];
    let upgraded = false;
    let idle: NodeJS.Timeout | undefined;
    const quietThenEnd = (): void => { clearTimeout(idle); idle = setTimeout(() => socket.end(), IDLE_END_MS); };
    const socket = net.connect(port, '127.0.0.1', () => {
      for (const c of chunks) socket.write(c);
      if (!o.afterHandshake) quietThenEnd();
    });
    const timer = setTimeout(() => socket.destroy(), SAFETY_MS);
    socket.on('data', (d: Buffer) => {
      if (!o.afterHandshake) quietThenEnd();
      got.push(d);
      if (o.afterHandshake && !upgraded && Buffer.concat(got).includes('\r\n\r\n')) {
        upgraded = true;
        if (parseReply(Buffer.concat(got)).status === 101) for (const f of o.afterHandshake) socket.write(f);
        socket.end();
      }
    });
    socket.on('error', () => { /* the server may reset a connection it refuses: judged by the reply and the health check */ });
    socket.on('close', () => { clearTimeout(timer); clearTimeout(idle); resolve(parseReply(Buffer.concat(got))); });
  });
}

export function request(lines: Array<string | Buffer>, body: Buffer | string = ''): Buffer {
  const head = Buffer.concat(lines.map((l) => Buffer.concat([Buffer.isBuffer(l) ? l : Buffer.from(l, 'latin1'), Buffer.from('\r\n')])));
  return Buffer.concat([head, Buffer.from('\r\n'), Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8')]);
}

export interface FrameSpec { fin: boolean; rsv: number; opcode: number; mask: boolean; payload: Buffer }

/** One WebSocket frame as a client would send it (masked), or deliberately not (mask false). */
export function frame(f: FrameSpec): Buffer {
  const len = f.payload.length;
  const head: number[] = [(f.fin ? 0x80 : 0) | ((f.rsv & 7) << 4) | (f.opcode & 0x0f)];
  const maskBit = f.mask ? 0x80 : 0;
  if (len < 126) head.push(maskBit | len);
  else if (len < 65536) head.push(maskBit | 126, len >> 8, len & 0xff);
  else head.push(maskBit | 127, 0, 0, 0, 0, (len >>> 24) & 0xff, (len >> 16) & 0xff, (len >> 8) & 0xff, len & 0xff);
  if (!f.mask) return Buffer.concat([Buffer.from(head), f.payload]);
  const key = Buffer.from([0x12, 0x34, 0x56, 0x78]);
  const masked = Buffer.from(f.payload.map((b, i) => b ^ key[i % 4]));
  return Buffer.concat([Buffer.from(head), key, masked]);
}
