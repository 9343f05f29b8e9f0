// A minimal QMP (QEMU Machine Protocol) client over a unix socket: capabilities handshake,
// commands answered in order, and the asynchronous events QEMU sends (POWERDOWN, SHUTDOWN...).
import type { Socket } from 'node:net';

interface Pending {
  readonly command: string;
  readonly resolve: (v: unknown) => void;
  readonly reject: (e: Error) => void;
}

/** A QMP error reply ({"error": {"class", "desc"}}) for the command that caused it. */
export class QmpError extends Error {
  constructor(
    readonly command: string,
    readonly errorClass: string,
    desc: string,
  ) {
    super(`QMP ${command}: ${errorClass}: ${desc}`);
    this.name = 'QmpError';
  }
}

/** A connected QMP session. */
export class Qmp {
  /** Names of the events received so far, in order. */
  readonly events: string[] = [];
  private buf = '';
  private pending: Pending[] = [];
  private greeted: Promise<void>;

  private constructor(private readonly sock: Socket) {
    let greet: () => void = () => undefined;
    this.greeted = new Promise((resolve) => (greet = resolve));
    sock.setEncoding('utf8');
    sock.on('data', (chunk: string) => {
      this.buf += chunk;
      for (let nl = this.buf.indexOf('\n'); nl >= 0; nl = this.buf.indexOf('\n')) {
        const line = this.buf.slice(0, nl).trim();
        this.buf = this.buf.slice(nl + 1);
        if (line !== '') this.onMessage(JSON.parse(line) as Record<string, unknown>, greet);
      }
    });
    sock.on('close', () => {
      for (const p of this.pending) p.reject(new Error('QMP connection closed'));
      this.pending = [];
    });
    sock.on('error', () => undefined);
  }

  /** Takes over a socket connected to QEMU's QMP server and completes the capabilities handshake. */
  static async open(sock: Socket): Promise<Qmp> {
    const qmp = new Qmp(sock);
    await qmp.greeted;
    await qmp.execute('qmp_capabilities');
    return qmp;
  }

  /** Runs one QMP command and resolves with its "return" value. */
  execute(command: string, args?: Record<string, unknown>): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.pending.push({ command, resolve, reject });
      this.sock.write(`${JSON.stringify(args ? { execute: command, arguments: args } : { execute: command })}\n`);
    });
  }

  /** Closes the connection. */
  close(): void {
    this.sock.destroy();
  }

  private onMessage(msg: Record<string, unknown>, greet: () => void): void {
    if ('QMP' in msg) return greet();
    if (typeof msg.event === 'string') {
      this.events.push(msg.event);
      return;
    }
    const p = this.pending.shift();
    if (!p) return;
    const err = msg.error as { class?: string; desc?: string } | undefined;
    if (err) p.reject(new QmpError(p.command, err.class ?? 'GenericError', err.desc ?? ''));
    else p.resolve(msg.return);
  }
}
