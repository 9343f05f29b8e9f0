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
