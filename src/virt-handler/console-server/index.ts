/** virt-handler's console server: streams and launcher calls for virt-api over mutual TLS. */
import type { KubeClient } from '../../client/kube-client.js';
import type { SocketResolver } from '../launcher-registry.js';
import { startConsoleServer, type ConsoleServerTls, type RunningConsoleServer } from './server.js';
import { apiLocator } from './vmi-locator.js';

export { startConsoleServer, VIRT_API_CLIENT_NAME, type ConsoleServerTls, type ConsoleServerOptions, type RunningConsoleServer } from './server.js';
export { apiLocator, streamSocket, type LocatedVMI, type VMILocator } from './vmi-locator.js';
export { SessionTable } from './sessions.js';
export { consoleServerSettings, DEFAULT_CONSOLE_SERVER_PORT, type ConsoleServerFlags, type ConsoleServerSettings } from './flags.js';

/** Options of startNodeConsoleServer. */
export interface NodeConsoleServerOptions {
  readonly client: KubeClient;
  readonly nodeName: string;
  readonly resolveSocket: SocketResolver;
  readonly tls: ConsoleServerTls;
  readonly host: string;
  /** Upstream listens on 8186; 0 picks a free port. */
  readonly port: number;
  readonly log?: (msg: string) => void;
}

/** Starts the console server of one node, locating VMIs through the API. */
export function startNodeConsoleServer(o: NodeConsoleServerOptions): Promise<RunningConsoleServer> {
  return startConsoleServer({ tls: o.tls, locate: apiLocator(o.client, o.nodeName, o.resolveSocket), ...(o.log ? { log: o.log } : {}) }, o.host, o.port);
}
