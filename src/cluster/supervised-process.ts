/**
 * A child process `up` keeps running, as a DaemonSet keeps its pod: started from a command in
 * dist/cmd (or its TypeScript source under tsx), restarted after a short delay when it dies
 * (kill -9 included), stopped with SIGTERM (SIGKILL after a grace period).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export interface SupervisedProcessOptions {
  /** Log prefix, e.g. `virt-handler(node01)`. */
  readonly label: string;
  /** The command's name under src/cmd and dist/cmd, e.g. `virt-handler`. */
  readonly command: string;
  readonly args: readonly string[];
  readonly repoDir: string;
  /** A line of output saying the process is ready (start() resolves on the first one). */
  readonly ready: (line: string) => boolean;
  /** Turns an output line into the logged text (default: unchanged). */
  readonly format?: (line: string) => string;
  readonly log: (line: string) => void;
  readonly restartDelayMs?: number;
  readonly stopGraceMs?: number;
}

/** The argv running a command: the built JS, or the TypeScript source under tsx when run from source. */
export function commandArgv(repoDir: string, command: string): string[] {
  const fromSource = fileURLToPath(import.meta.url).endsWith('.ts');
  return fromSource ? ['--import', 'tsx', join(repoDir, `src/cmd/${command}.ts`)] : [join(repoDir, `dist/cmd/${command}.js`)];
}

/** One supervised child process. */
export class SupervisedProcess {
  private child: ChildProcess | undefined;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private readyWaiters: (() => void)[] = [];
  private startsCount = 0;

  constructor(private readonly o: SupervisedProcessOptions) {}

  /** The running process's pid (for tests that kill or stop it). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** How many times the process was started (1 + restarts). */
  get starts(): number {
    return this.startsCount;
  }

  /** Starts the process; resolves once it prints its ready line. */
  async start(timeoutMs = 60_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const ready = new Promise<void>((resolve, reject) => {
      this.readyWaiters.push(resolve);
      timer = setTimeout(() => reject(new Error(`${this.o.label} not ready after ${timeoutMs} ms`)), timeoutMs);
    });
    this.spawn();
    try {
      await ready;
    } finally {
      clearTimeout(timer);
    }
  }

  private spawn(): void {
    const o = this.o;
    const child = spawn(process.execPath, [...commandArgv(o.repoDir, o.command), ...o.args], { cwd: o.repoDir, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.startsCount++;
    const onLine = (buf: Buffer) => {
      for (const line of buf.toString().split('\n')) {
        if (!line) continue;
        o.log(`${o.label}: ${o.format ? o.format(line) : line}`);
        if (o.ready(line)) for (const w of this.readyWaiters.splice(0)) w();
      }
    };
    child.stdout?.on('data', onLine);
    child.stderr?.on('data', onLine);
    child.once('exit', (code, signal) => {
      if (this.child === child) this.child = undefined;
      if (this.stopping) return;
      const delay = o.restartDelayMs ?? 1000;
      o.log(`${o.label}: exited (${signal ?? `code ${String(code)}`}); restarting in ${delay} ms`);
      this.restartTimer = setTimeout(() => this.spawn(), delay);
    });
  }

  /** SIGTERM (SIGKILL after the grace period); no restart afterwards. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGCONT');
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), this.o.stopGraceMs ?? 10_000);
    await exited;
    clearTimeout(t);
  }
}
