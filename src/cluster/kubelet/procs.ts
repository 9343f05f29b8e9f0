/**
 * Process identity and signalling for processes the agent started detached: a pid plus its
 * start time from /proc/<pid>/stat, so a re-used pid is never mistaken for a container after
 * an agent restart.
 */
import { readFileSync } from 'node:fs';
import { execFile } from 'node:child_process';

/** Field 22 of /proc/<pid>/stat (start time in clock ticks), or undefined when gone. */
export function procStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z') return undefined; // a zombie has finished
    return fields[19];
  } catch {
    return undefined;
  }
}

/** Whether the process recorded as (pid, startTime) still runs. */
export function isAlive(pid: number, startTime: string): boolean {
  return pid > 0 && procStartTime(pid) === startTime;
}

/** Sends a signal to a pid (or a process group with a negative pid), ignoring ESRCH. */
export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** Runs argv to completion; rejects with its stderr on a non-zero exit. No shell. */
export function run(argv: readonly string[], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<{ stdout: string; stderr: string }> {
  const [file, ...args] = argv;
  return new Promise((resolve, reject) => {
    execFile(file ?? 'false', args, { timeout: opts.timeoutMs ?? 30_000, env: opts.env, maxBuffer: 4 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${argv.join(' ')}: ${stderr.trim() || err.message}`, { cause: err }));
      else resolve({ stdout, stderr });
    });
  });
}
