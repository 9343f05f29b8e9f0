/**
 * virt-handler's console server flags, named as upstream's (--listen, --console-server-port,
 * --tls-cert-file, --tls-key-file) plus --client-ca-file: upstream reads that CA from the
 * kubevirt-ca ConfigMap; here it is a file, as `up` writes it.
 */
import { readFileSync } from 'node:fs';
import type { ConsoleServerTls } from './server.js';

/** Upstream's default console server port. */
export const DEFAULT_CONSOLE_SERVER_PORT = 8186;

/** The flags as commander parses them. */
export interface ConsoleServerFlags {
  readonly listen: string;
  readonly consoleServerPort: string;
  readonly tlsCertFile?: string;
  readonly tlsKeyFile?: string;
  readonly clientCaFile?: string;
}

/** Where and with what TLS the console server listens. */
export interface ConsoleServerSettings {
  readonly host: string;
  readonly port: number;
  readonly tls: ConsoleServerTls;
}

/**
 * The console server's settings from flags, reading the PEM files; undefined when no TLS flag is
 * given (the console server is then off). Throws naming the flag on a partial set or a bad port.
 */
export function consoleServerSettings(f: ConsoleServerFlags, read: (path: string) => string = (p) => readFileSync(p, 'utf8')): ConsoleServerSettings | undefined {
  const files = { '--tls-cert-file': f.tlsCertFile, '--tls-key-file': f.tlsKeyFile, '--client-ca-file': f.clientCaFile };
  const given = Object.entries(files).filter(([, v]) => v);
  if (given.length === 0) return undefined;
  const absent = Object.entries(files).filter(([, v]) => !v).map(([k]) => k);
  if (absent.length > 0) throw new Error(`${absent.join(', ')}: required with ${given.map(([k]) => k).join(', ')}`);
  const port = Number(f.consoleServerPort);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--console-server-port: invalid value "${f.consoleServerPort}"`);
  const pem = (flag: keyof typeof files): string => {
    const path = files[flag] ?? '';
    try {
      return read(path);
    } catch (e) {
      throw new Error(`${flag}: cannot read "${path}": ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  };
  return { host: f.listen, port, tls: { certPem: pem('--tls-cert-file'), keyPem: pem('--tls-key-file'), clientCaPem: pem('--client-ca-file') } };
}
