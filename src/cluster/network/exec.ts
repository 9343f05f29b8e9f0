// Runs the system networking tools (ip, nft, losetup) with an argv, never through a shell.
import { execFile } from 'node:child_process';

/** A failed system command: its argv and what it wrote to stderr. */
export class CommandError extends Error {
  constructor(
    readonly argv: readonly string[],
    readonly stderr: string,
    readonly exitCode: number | undefined,
  ) {
    super(`${argv.join(' ')} failed${exitCode !== undefined ? ` (exit ${exitCode})` : ''}: ${stderr.trim()}`);
    this.name = 'CommandError';
  }
}

/** Runs file with args (and optional stdin); resolves stdout, rejects with CommandError. */
export function run(file: string, args: readonly string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { timeout: 30_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        reject(new CommandError([file, ...args], stderr || err.message, typeof err.code === 'number' ? err.code : undefined));
        return;
      }
      resolve(stdout);
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}
