/**
 * The last resort of a serving process (`ascl serve`, the Electron main): an error that escapes
 * every transport and timer (uncaughtException, unhandledRejection) is logged with its origin and
 * stack, and the process keeps serving its clients and training its runs. Only when errors keep
 * escaping (more than `maxEscapes` within `windowMs`: the process is in a state it cannot leave)
 * does it stop: `shutdown` (the service's close, which leaves queued and running runs
 * `interrupted`, resumable) gets `shutdownTimeoutMs`, then the process exits with code 1.
 * Should even that fail, the runs are not lost: the next service finds their owner gone and
 * reconciles them to `interrupted`.
 */

export interface ProcessLike {
  on(event: 'uncaughtException', listener: (err: unknown, origin: string) => void): unknown;
  on(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
  off(event: 'uncaughtException', listener: (err: unknown, origin: string) => void): unknown;
  off(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
}

export interface LastResortOptions {
  /** What the process serves, in log lines ("ascl serve"). */
  name: string;
  /** Leaves the service's runs interrupted (AppService.close); called at most once. */
  shutdown(): Promise<void>;
  log(message: string): void;
  maxEscapes?: number;
  windowMs?: number;
  shutdownTimeoutMs?: number;
  /** Test seams: the process whose events are watched, and how it exits. */
  proc?: ProcessLike;
  exit?: (code: number) => void;
  now?: () => number;
}

export interface LastResort {
  /** Errors caught so far. */
  readonly escapes: number;
  /** Resolves once a shutdown started by the handler has finished (null while none did). */
  readonly stopping: Promise<void> | null;
  uninstall(): void;
}

const describe = (err: unknown): string => {
  try { return err instanceof Error ? err.stack ?? `${err.name}: ${err.message}` : `non-error value ${JSON.stringify(err) ?? String(err)}`; } catch { return 'a value that cannot be shown'; }
};

export function installLastResort(o: LastResortOptions): LastResort {
  const proc: ProcessLike = o.proc ?? process;
  const exit = o.exit ?? ((code: number) => process.exit(code));
  const now = o.now ?? Date.now;
  const maxEscapes = o.maxEscapes ?? 10;
  const windowMs = o.windowMs ?? 60_000;
  const recent: number[] = [];
  let escapes = 0;
  let stopping: Promise<void> | null = null;

  const stop = (): void => {
    o.log(`[last resort] ${o.name}: more than ${maxEscapes} errors escaped within ${windowMs / 1000} s; it cannot continue. ` +
      'Leaving its runs interrupted (resume them with `ascl resume RUN`) and exiting.');
    const deadline = new Promise<void>((resolve) => { setTimeout(resolve, o.shutdownTimeoutMs ?? 10_000).unref(); });
    stopping = Promise.race([o.shutdown().catch((err: unknown) => o.log(`[last resort] ${o.name}: shutdown failed: ${describe(err)}`)), deadline])
      .then(() => exit(1));
  };

  const caught = (origin: string, err: unknown): void => {
    escapes++;
    const t = now();
    recent.push(t);
    while (recent.length > 0 && t - recent[0] > windowMs) recent.shift();
    o.log(`[last resort] ${o.name}: ${origin} (still serving): ${describe(err)}`);
    if (recent.length > maxEscapes && stopping === null) stop();
  };
  const onException = (err: unknown, origin: string): void => caught(origin || 'uncaughtException', err);
  const onRejection = (reason: unknown): void => caught('unhandledRejection', reason);
  proc.on('uncaughtException', onException);
  proc.on('unhandledRejection', onRejection);
  return {
    get escapes() { return escapes; },
    get stopping() { return stopping; },
    uninstall() { proc.off('uncaughtException', onException); proc.off('unhandledRejection', onRejection); },
  };
}
