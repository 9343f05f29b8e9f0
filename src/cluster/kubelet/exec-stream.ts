/**
 * The channel.k8s.io websocket protocol of exec (v4 and v5): every binary message starts with a
 * channel byte — 0 stdin, 1 stdout, 2 stderr, 3 error (a metav1.Status when the command ends),
 * 4 resize ({"Width","Height"} JSON), and in v5 255 "close" (payload: the channel closed).
 */
import type { ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import type { WebSocket } from 'ws';

export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
export const ERROR = 3;
export const RESIZE = 4;
export const CLOSE = 255;

/** Subprotocols served, preferred first. */
export const EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'] as const;

/** The subprotocol to answer from the client's offer, or false when none is served. */
export function chooseProtocol(offered: ReadonlySet<string>): string | false {
  return EXEC_PROTOCOLS.find((p) => offered.has(p)) ?? false;
}

/** One outgoing frame: channel byte then payload. */
export function frame(channel: number, data: Buffer | string): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data) : data;
  return Buffer.concat([Buffer.from([channel]), body]);
}

/** The metav1.Status written on the error channel when the command ends (as kubelet writes it). */
export function exitStatus(code: number | null, signal: NodeJS.Signals | null): Record<string, unknown> {
  if (code === 0) return { metadata: {}, status: 'Success' };
  const exitCode = code ?? 128 + signalNumber(signal);
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: exit status ${exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}

function signalNumber(s: NodeJS.Signals | null): number {
  return (s && constants.signals[s]) || 9;
}

/** A failure before the command could run, as a Status on the error channel. */
export function failureStatus(message: string): Record<string, unknown> {
  return { metadata: {}, status: 'Failure', message, reason: 'InternalError', code: 500 };
}

export interface ExecSocketOptions {
  readonly protocol: string;
  readonly onResize?: (size: { Width: number; Height: number }) => void;
  /** Called when the client goes away before the command ended. */
  readonly onAbandon: () => void;
}

/** Connects an exec'd child to the websocket until the child exits (then Status and close). */
export function serveExecSocket(ws: WebSocket, child: ChildProcess, opts: ExecSocketOptions): void {
  let ended = false;
  const send = (channel: number, data: Buffer | string): void => {
    if (ws.readyState === ws.OPEN) ws.send(frame(channel, data));
  };
  child.stdout?.on('data', (d: Buffer) => send(STDOUT, d));
  child.stderr?.on('data', (d: Buffer) => send(STDERR, d));
  child.stdin?.on('error', () => undefined);
  ws.on('message', (raw: Buffer | ArrayBuffer | Buffer[]) => {
    const msg = Array.isArray(raw) ? Buffer.concat(raw) : Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
    if (msg.length === 0) return;
    const channel = msg[0];
    const data = msg.subarray(1);
    if (channel === STDIN) {
      if (data.length && child.stdin?.writable) child.stdin.write(data);
    } else if (channel === RESIZE) {
      try {
        opts.onResize?.(JSON.parse(data.toString('utf8')) as { Width: number; Height: number });
      } catch {
        // malformed resize: ignored, as kubelet does
      }
    } else if (channel === CLOSE && data[0] === STDIN) {
      child.stdin?.end();
    }
  });
  ws.on('close', () => {
    if (!ended) opts.onAbandon();
  });
  ws.on('error', () => undefined);
  child.on('error', (e) => {
    if (ended) return;
    ended = true;
    send(ERROR, JSON.stringify(failureStatus(e.message)));
    ws.close(1000);
  });
  child.on('close', (code, signal) => {
    if (ended) return;
    ended = true;
    send(ERROR, JSON.stringify(exitStatus(code, signal)));
    ws.close(1000);
  });
}
