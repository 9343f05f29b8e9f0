/** Runs a helper program with an argv array (never a shell), failing with its stderr. */
import { execFile } from 'node:child_process';

/** Runs `file args...`; resolves with stdout, rejects with an Error naming the command and its stderr. */
export function run(file: string, args: readonly string[], timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${file} ${args.join(' ')}: ${stderr.trim() || err.message}`, { cause: err }));
      else resolve(stdout);
    });
  });
}

/**
 * Runs `ip -batch -` over `commands` (one argv per line): one process instead of one per command,
 * stopping at the first failure. Only for fixed words and numbers: ip splits each line on blanks.
 */
export function ipBatch(commands: readonly (readonly string[])[], timeoutMs = 60_000): Promise<string> {
  for (const c of commands) if (c.some((w) => w === '' || /\s/.test(w))) throw new Error(`ip -batch: argument with blanks in ${JSON.stringify(c)}`);
  return new Promise((resolve, reject) => {
    const child = execFile('ip', ['-batch', '-'], { timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`ip -batch: ${stderr.trim() || err.message}`, { cause: err }));
      else resolve(stdout);
    });
    child.stdin?.end(`${commands.map((c) => c.join(' ')).join('\n')}\n`);
  });
}
