/** A redis-server for the worker's tests: a free loopback port, no persistence, optional requirepass, stopped by its pid. */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';

export interface RedisProc { port: number; child: ChildProcess; stop(): Promise<void> }

export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** `port`: reuse one (a restart: a server without persistence comes back empty on the same port). */
export async function startRedisProc(o: { password?: string; port?: number } = {}): Promise<RedisProc> {
  const port = o.port ?? await freeLoopbackPort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...(o.password !== undefined ? ['--requirepass', o.password] : [])];
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`startRedisProc: redis-server on ${port} not ready in 15 s: ${out}`)), 15_000);
    const check = (): void => { if (/Ready to accept connections/.test(out)) { clearTimeout(t); resolve(); } };
    child.stdout!.on('data', check);
    child.once('exit', (code) => { clearTimeout(t); reject(new Error(`startRedisProc: redis-server exited with ${code}: ${out}`)); });
  });
  return {
    port, child,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    },
  };
}
