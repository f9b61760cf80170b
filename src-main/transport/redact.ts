/**
 * Answers to remote clients carry no absolute server paths: paths inside the application's home
 * (the store's folder: database, checkpoints, datasets) become `<app home>/...`, any other absolute
 * path becomes `<server path>`. Applied by the HTTP transport to error messages, `app:info` and the
 * error texts of runs and events; local answers (CLI, Electron IPC) keep the full paths.
 */
import path from 'node:path';
import type { ApiEvent, ApiEvents, ApiResponses, RunSummary } from '../shared/channels.js';

export const HOME_PLACEHOLDER = '<app home>';
export const PATH_PLACEHOLDER = '<server path>';

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Characters that end a path inside a message (quotes, brackets, separators, whitespace). */
const PATH_CHARS = String.raw`[^\s"'\`()<>\[\]{},;:]`;
/**
 * A POSIX absolute path of at least two segments after a boundary (start, space, quote, bracket, =),
 * not a URL path of this server's own API (`/api/...`, `/events`); or a Windows drive path.
 */
const POSIX_PATH = new RegExp(String.raw`(^|[\s"'(\[{=,])(?!\/api\/|\/events\b)(\/${PATH_CHARS}+\/${PATH_CHARS}*(?:\/${PATH_CHARS}*)*)`, 'g');
const WINDOWS_PATH = new RegExp(String.raw`(^|[\s"'(\[{=,])([A-Za-z]:\\${PATH_CHARS}*)`, 'g');

export interface Redactor {
  text(s: string): string;
  answer<C extends keyof ApiResponses>(channel: C, value: ApiResponses[C]): ApiResponses[C];
  event<E extends ApiEvent>(event: E, payload: ApiEvents[E]): ApiEvents[E];
}

/** homes: the folders shown as `<app home>` (the store's folder, the default application folder). */
export function pathRedactor(homes: string[]): Redactor {
  const roots = [...new Set(homes.filter((h) => h.length > 1).map((h) => path.resolve(h)))].sort((a, b) => b.length - a.length);
  const home = roots.length ? new RegExp(`(${roots.map(escapeRegExp).join('|')})(?=[\\\\/]|$|[^\\w.-])`, 'g') : null;
  const text = (s: string): string => {
    let out = home ? s.replace(home, HOME_PLACEHOLDER) : s;
    out = out.replace(POSIX_PATH, (_m, pre: string) => `${pre}${PATH_PLACEHOLDER}`);
    out = out.replace(WINDOWS_PATH, (_m, pre: string) => `${pre}${PATH_PLACEHOLDER}`);
    return out;
  };
  const run = <R extends RunSummary>(r: R): R => (r.error === null ? r : { ...r, error: text(r.error) });
  return {
    text,
    answer(channel, value) {
      if (channel === 'app:info') { const v = value as ApiResponses['app:info']; return { ...v, dbPath: text(v.dbPath) } as typeof value; }
      if (channel === 'runs:list') return (value as ApiResponses['runs:list']).map(run) as typeof value;
      if (channel === 'runs:get') return run(value as ApiResponses['runs:get']) as typeof value;
      return value;
    },
    event(event, payload) {
      const p = payload as { error?: unknown };
      return typeof p.error === 'string' ? { ...payload, error: text(p.error) } : payload;
    },
  };
}
