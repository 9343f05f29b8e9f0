/**
 * Container logs as kubelet keeps them: one file per container start under
 * `<stateDir>/logs/<ns>_<pod>_<uid>/<container>/<restartCount>.log`. readPodLog serves what
 * pods/log needs (tailLines, previous); followPodLog streams a growing file.
 */
import { existsSync, readdirSync, readFileSync, statSync, openSync, readSync, closeSync } from 'node:fs';
import { join } from 'node:path';

export interface LogOptions {
  readonly tailLines?: number;
  readonly previous?: boolean;
  readonly limitBytes?: number;
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

/** Keeps the last n lines of text (a trailing newline does not count as a line). */
export function tail(text: string, n: number | undefined): string {
  if (n === undefined) return text;
  if (n <= 0) return '';
  const lines = text.split('\n');
  const trailing = lines[lines.length - 1] === '' ? lines.pop() : undefined;
  return lines.slice(-n).join('\n') + (trailing !== undefined ? '\n' : '');
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
  let text = tail(readFileSync(file, 'utf8'), opts.tailLines);
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
  const first = tail(readFileSync(file, 'utf8'), opts.tailLines);
  if (first) yield Buffer.from(first);
  let pos = statSync(file).size;
  const fd = openSync(file, 'r');
  try {
    while (!opts.signal?.aborted) {
      const size = statSync(file).size;
      if (size > pos) {
        const buf = Buffer.alloc(size - pos);
        readSync(fd, buf, 0, buf.length, pos);
        pos = size;
        yield buf;
        continue;
      }
      if (opts.isDone?.()) return;
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    closeSync(fd);
  }
}
