/**
 * Container logs as kubelet keeps them: one file per container start under
 * `<stateDir>/logs/<ns>_<pod>_<uid>/<container>/<restartCount>.log`. readPodLog serves what
 * pods/log needs (tailLines, previous, timestamps, since); followPodLog streams a growing file.
 */
import { existsSync, readdirSync, readFileSync, statSync, openSync, readSync, closeSync } from 'node:fs';
import { join } from 'node:path';

export interface LogOptions {
  readonly tailLines?: number;
  readonly previous?: boolean;
  readonly limitBytes?: number;
  /** Prefix each line with its RFC 3339 time. */
  readonly timestamps?: boolean;
  /** Only lines logged at or after this time (epoch ms; from sinceSeconds or sinceTime). */
  readonly sinceMs?: number;
}

/** One line of a CRI log file: `<time> <stream> <F|P> <text>`. */
export interface LogEntry {
  readonly time: string;
  readonly stream: string;
  readonly text: string;
  /** F: the line ended with a newline; P: a partial line. */
  readonly full: boolean;
}

const CRI_LINE = /^(\S+) (stdout|stderr) ([FP]) ?(.*)$/;

/** Parses complete lines of a log file; a line in another format is kept as text without a time. */
export function parseLogLines(text: string): LogEntry[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => {
    const m = CRI_LINE.exec(l);
    return m ? { time: m[1] ?? '', stream: m[2] ?? '', full: m[3] === 'F', text: m[4] ?? '' } : { time: '', stream: 'stdout', full: true, text: l };
  });
}

/** The text pods/log answers for entries: since filter, tail, optional timestamps. */
export function renderLog(entries: readonly LogEntry[], opts: LogOptions): string {
  let list = opts.sinceMs === undefined ? entries : entries.filter((e) => !e.time || Date.parse(e.time) >= (opts.sinceMs ?? 0));
  if (opts.tailLines !== undefined) list = opts.tailLines <= 0 ? [] : list.slice(-opts.tailLines);
  return list.map((e) => `${opts.timestamps && e.time ? `${e.time} ` : ''}${e.text}${e.full ? '\n' : ''}`).join('');
}

/** The log files of a container, oldest first, or [] when the pod or container is unknown. */
export function containerLogFiles(stateDir: string, ns: string, pod: string, container: string): string[] {
  const logs = join(stateDir, 'logs');
  if (!existsSync(logs)) return [];
  const podDirs = readdirSync(logs).filter((d) => d.startsWith(`${ns}_${pod}_`)).map((d) => join(logs, d, container)).filter((d) => existsSync(d));
  const newest = podDirs.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  if (!newest) return [];
  return readdirSync(newest).filter((f) => /^\d+\.log$/.test(f)).sort((a, b) => parseInt(a, 10) - parseInt(b, 10)).map((f) => join(newest, f));
}

/** The file to read: the current start, or the one before it for `previous`. */
export function logFileFor(stateDir: string, ns: string, pod: string, container: string, previous = false): string | undefined {
  const files = containerLogFiles(stateDir, ns, pod, container);
  return files[files.length - (previous ? 2 : 1)];
}

/**
 * A container's log (non-follow). Rejects with a message as kubelet words it when there is none:
 * `previous terminated container "c" in pod "p" not found`.
 */
export async function readPodLog(stateDir: string, ns: string, pod: string, container: string, opts: LogOptions): Promise<string> {
  const file = logFileFor(stateDir, ns, pod, container, opts.previous);
  if (!file) {
    throw new Error(opts.previous ? `previous terminated container "${container}" in pod "${pod}" not found` : `container "${container}" in pod "${pod}" is waiting to start: ContainerCreating`);
  }
  let text = renderLog(parseLogLines(readFileSync(file, 'utf8')), opts);
  if (opts.limitBytes !== undefined) text = Buffer.from(text).subarray(0, opts.limitBytes).toString('utf8');
  return Promise.resolve(text);
}

/**
 * Follows a container's current log: yields existing content (after tailLines) then new bytes,
 * polling every 200 ms until `signal` aborts or `isDone()` says the container stopped.
 */
export async function* followPodLog(stateDir: string, ns: string, pod: string, container: string, opts: LogOptions & { signal?: AbortSignal; isDone?: () => boolean }): AsyncGenerator<Buffer> {
  const file = logFileFor(stateDir, ns, pod, container);
  if (!file) return;
  const initial = readFileSync(file);
  const cut = initial.lastIndexOf(0x0a) + 1;
  const first = renderLog(parseLogLines(initial.subarray(0, cut).toString('utf8')), opts);
  if (first) yield Buffer.from(first);
  let pos = cut;
  let pending = Buffer.alloc(0);
  const fd = openSync(file, 'r');
  try {
    while (!opts.signal?.aborted) {
      const size = statSync(file).size;
      if (size > pos) {
        const buf = Buffer.alloc(size - pos);
        readSync(fd, buf, 0, buf.length, pos);
        pos = size;
        pending = Buffer.concat([pending, buf]);
        const end = pending.lastIndexOf(0x0a) + 1;
        if (end > 0) {
          const out = renderLog(parseLogLines(pending.subarray(0, end).toString('utf8')), { timestamps: opts.timestamps });
          pending = pending.subarray(end);
          if (out) yield Buffer.from(out);
        }
        continue;
      }
      if (opts.isDone?.()) return;
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    closeSync(fd);
  }
}
