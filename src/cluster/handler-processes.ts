/**
 * One virt-handler process per node, as a DaemonSet would run them: each acts under the
 * kubevirt-handler identity's kubeconfig, is restarted when it dies (kill -9 included: guests
 * live in launcher pods and the new handler re-attaches; its console server comes back with it, on
 * the same port), and is stopped with SIGTERM.
 */
import { SupervisedProcess } from './supervised-process.js';

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

/** A supervised virt-handler process for one node. */
export class HandlerProcess {
  private readonly proc: SupervisedProcess;

  constructor(o: HandlerProcessOptions) {
    this.proc = new SupervisedProcess({
      label: `virt-handler(${o.nodeName})`,
      command: 'virt-handler',
      args: [
        '--kubeconfig', o.kubeconfigPath, '--node-name', o.nodeName, '--pods-dir', o.podsDir,
        '--pods-layout', 'embedded', '--emulation', o.emulation, '--heartbeat-seconds', String(o.heartbeatSeconds),
        ...consoleServerArgs(o.consoleServer),
      ],
      repoDir: o.repoDir,
      ready: (line) => line.includes('watching VMIs on node'),
      format: (line) => line.replace(/^virt-handler(\[[^\]]*\])?: /, ''),
      log: o.log,
    });
  }

  /** The running process's pid (for tests that kill or stop it). */
  get pid(): number | undefined {
    return this.proc.pid;
  }

  /** Starts the process; resolves once it watches its node's VMIs. */
  start(timeoutMs = 60_000): Promise<void> {
    return this.proc.start(timeoutMs);
  }

  /** SIGTERM (SIGKILL after a grace period); guests keep running in their launchers. */
  stop(): Promise<void> {
    return this.proc.stop();
  }
}
