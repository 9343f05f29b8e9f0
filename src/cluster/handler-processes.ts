/**
 * One virt-handler process per node, as a DaemonSet would run them: each acts under the
 * kubevirt-handler identity's kubeconfig, is restarted when it dies (kill -9 included: guests
 * live in launcher pods and the new handler re-attaches; its console server comes back with it, on
 * the same port), and is stopped with SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export interface HandlerProcessOptions {
  readonly nodeName: string;
  readonly kubeconfigPath: string;
  readonly podsDir: string;
  readonly emulation: 'auto' | 'always';
  readonly heartbeatSeconds: number;
  readonly repoDir: string;
  /** The handler's console server for virt-api: where it listens and its TLS files. */
  readonly consoleServer?: HandlerConsoleServer;
  readonly log: (line: string) => void;
}

/** Flags of the handler's console server (a fixed port per node, kept across restarts). */
export interface HandlerConsoleServer {
  readonly listen: string;
  readonly port: number;
  readonly certFile: string;
  readonly keyFile: string;
  readonly clientCaFile: string;
}

/** The console server flags of the virt-handler command. */
function consoleServerArgs(cs: HandlerConsoleServer | undefined): string[] {
  if (!cs) return [];
  return ['--listen', cs.listen, '--console-server-port', String(cs.port), '--tls-cert-file', cs.certFile, '--tls-key-file', cs.keyFile, '--client-ca-file', cs.clientCaFile];
}

/** Delay before a dead handler is started again (a DaemonSet pod's restart). */
const RESTART_DELAY_MS = 1000;
const STOP_GRACE_MS = 10_000;

/** The argv running the virt-handler command: the built JS, or the TypeScript source under tsx when run from source. */
function handlerArgv(repoDir: string): string[] {
  const fromSource = fileURLToPath(import.meta.url).endsWith('.ts');
  return fromSource ? ['--import', 'tsx', join(repoDir, 'src/cmd/virt-handler.ts')] : [join(repoDir, 'dist/cmd/virt-handler.js')];
}

/** A supervised virt-handler process for one node. */
export class HandlerProcess {
  private child: ChildProcess | undefined;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private readyWaiters: (() => void)[] = [];

  constructor(private readonly o: HandlerProcessOptions) {}

  /** The running process's pid (for tests that kill or stop it). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the process; resolves once it watches its node's VMIs. */
  async start(timeoutMs = 60_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const ready = new Promise<void>((resolve, reject) => {
      this.readyWaiters.push(resolve);
      timer = setTimeout(() => reject(new Error(`virt-handler on ${this.o.nodeName} not ready after ${timeoutMs} ms`)), timeoutMs);
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
    const args = [
      ...handlerArgv(o.repoDir), '--kubeconfig', o.kubeconfigPath, '--node-name', o.nodeName, '--pods-dir', o.podsDir,
      '--pods-layout', 'embedded', '--emulation', o.emulation, '--heartbeat-seconds', String(o.heartbeatSeconds),
      ...consoleServerArgs(o.consoleServer),
    ];
    const child = spawn(process.execPath, args, { cwd: o.repoDir, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const onLine = (buf: Buffer) => {
      for (const line of buf.toString().split('\n')) {
        if (!line) continue;
        o.log(`virt-handler(${o.nodeName}): ${line.replace(/^virt-handler(\[[^\]]*\])?: /, '')}`);
        if (line.includes('watching VMIs on node')) for (const w of this.readyWaiters.splice(0)) w();
      }
    };
    child.stdout?.on('data', onLine);
    child.stderr?.on('data', onLine);
    child.once('exit', (code, signal) => {
      if (this.child === child) this.child = undefined;
      if (this.stopping) return;
      o.log(`virt-handler(${o.nodeName}): exited (${signal ?? `code ${String(code)}`}); restarting in ${RESTART_DELAY_MS} ms`);
      this.restartTimer = setTimeout(() => this.spawn(), RESTART_DELAY_MS);
    });
  }

  /** SIGTERM (SIGKILL after a grace period); guests keep running in their launchers. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGCONT');
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(t);
  }
}
