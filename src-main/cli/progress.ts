/** Progress of an evaluation or analysis: a bar with the time left on a terminal, JSON lines otherwise. */
import cliProgress from 'cli-progress';
import type { EvalProgress } from '../service/eval-job.js';
import { formatDuration, jsonLine } from './common.js';

export function taskProgress(label: string, json: boolean): { update: (p: EvalProgress) => void; stop: () => void } {
  if (json || !process.stderr.isTTY) {
    let last = 0;
    return {
      update: (p) => {
        if (Date.now() - last < 1000 && p.done < p.total) return;
        last = Date.now();
        if (json) jsonLine({ event: 'progress', task: label, done: p.done, total: p.total, etaSeconds: p.etaSeconds });
        else process.stderr.write(`${label}: ${p.done}/${p.total}, ${formatDuration(p.etaSeconds)} left\n`);
      },
      stop: () => {},
    };
  }
  const bar = new cliProgress.SingleBar({ format: `${label} |{bar}| {value}/{total} | ETA {etaText}`, hideCursor: true, stream: process.stderr },
    cliProgress.Presets.shades_classic);
  let started = false;
  return {
    update: (p) => {
      if (!started) { bar.start(p.total, p.done, { etaText: formatDuration(p.etaSeconds) }); started = true; }
      else bar.update(p.done, { etaText: formatDuration(p.etaSeconds) });
    },
    stop: () => { if (started) bar.stop(); },
  };
}
