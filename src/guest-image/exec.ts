// Runs one external program with an argument vector (never a shell string) and returns its
// output; a non-zero exit becomes a CommandError naming the program, its arguments and stderr.
import { spawn } from 'node:child_process';

/** A program that exited non-zero or could not start; carries what it printed on stderr. */
export class CommandError extends Error {
  constructor(
    readonly argv: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(`command failed (exit ${exitCode}): ${argv.join(' ')}: ${stderr.trim().slice(-2000)}`);
    this.name = 'CommandError';
  }
}

/** Options for run(): working directory, bytes fed to stdin, extra environment. */
export interface RunOptions {
  readonly cwd?: string;
  readonly input?: string | Buffer;
  readonly env?: Readonly<Record<string, string>>;
}

/** Runs `program args...` to completion and resolves with its stdout as a Buffer. */
export function runBuffer(program: string, args: readonly string[], opts: RunOptions = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      cwd: opts.cwd,
      env: opts.env ? { ...process.env, ...opts.env } : process.env,
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (b: Buffer) => out.push(b));
    child.stderr?.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => reject(new CommandError([program, ...args], null, e.message)));
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new CommandError([program, ...args], code, Buffer.concat(err).toString()));
    });
    if (child.stdin) {
      child.stdin.on('error', () => undefined); // a program may exit without reading its input
      child.stdin.end(opts.input);
    }
  });
}

/** Runs `program args...` to completion and resolves with its stdout as text. */
export async function run(program: string, args: readonly string[], opts: RunOptions = {}): Promise<string> {
  return (await runBuffer(program, args, opts)).toString('utf8');
}
