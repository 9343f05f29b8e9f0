/**
 * The command lines `up` runs virt-api and virt-controller with (pure), including virt-api's
 * `--handler-endpoints node=host:port,...` (where each node's virt-handler console server
 * listens; upstream finds the handler pod's IP instead; src/virt-api/run.ts parses it).
 */
import type { HandlerEndpoint } from '../virt-api/subresources/index.js';

/** `node01=127.0.0.1:40001,node02=127.0.0.1:40002` from a map of node name to endpoint. */
export function formatHandlerEndpoints(endpoints: ReadonlyMap<string, HandlerEndpoint>): string {
  return [...endpoints].map(([node, ep]) => `${node}=${ep.host}:${ep.port}`).join(',');
}

/** Files and settings of the virt-api process `up` runs. */
export interface VirtApiProcessConfig {
  readonly kubeconfig: string;
  readonly host: string;
  readonly port: number;
  readonly certFile: string;
  readonly keyFile: string;
  readonly namespace: string;
  /** ServiceAccount names (in `namespace`) allowed to write VMI status. */
  readonly serviceAccounts: readonly string[];
  /** The front proxy CA (PEM file) and the names it may assert, for the aggregated subresource API. */
  readonly requestHeaderCaFile: string;
  readonly requestHeaderAllowedNames: readonly string[];
  /** mTLS toward virt-handler: the KubeVirt CA and virt-api's client certificate. */
  readonly handlerCaFile: string;
  readonly handlerClientCertFile: string;
  readonly handlerClientKeyFile: string;
  readonly handlerEndpoints: ReadonlyMap<string, HandlerEndpoint>;
}

/** The virt-api command's arguments (see src/cmd/virt-api.ts). */
export function virtApiArgs(c: VirtApiProcessConfig): string[] {
  return [
    '--kubeconfig', c.kubeconfig, '--bind-address', c.host, '--port', String(c.port),
    '--tls-cert-file', c.certFile, '--tls-key-file', c.keyFile,
    '--namespace', c.namespace, '--kubevirt-service-accounts', c.serviceAccounts.join(','),
    '--requestheader-client-ca-file', c.requestHeaderCaFile, '--requestheader-allowed-names', c.requestHeaderAllowedNames.join(','),
    '--handler-ca-file', c.handlerCaFile, '--handler-client-cert-file', c.handlerClientCertFile, '--handler-client-key-file', c.handlerClientKeyFile,
    '--handler-endpoints', formatHandlerEndpoints(c.handlerEndpoints),
  ];
}

/** Settings of the virt-controller process `up` runs. */
export interface VirtControllerProcessConfig {
  readonly kubeconfig: string;
  readonly leaseNamespace: string;
  /** The leader election identity, the same across restarts so a restarted process takes its own Lease at once. */
  readonly identity: string;
  readonly launcherVersion: string;
  readonly useEmulation: boolean;
  /** virt-handler's heartbeat period: the node controller's timeout is five periods and it rechecks every period. */
  readonly heartbeatSeconds: number;
}

/** The virt-controller command's arguments (see src/cmd/virt-controller.ts). */
export function virtControllerArgs(c: VirtControllerProcessConfig): string[] {
  return [
    '--kubeconfig', c.kubeconfig, '--leader-elect', '--lease-namespace', c.leaseNamespace, '--identity', c.identity,
    '--launcher-version', c.launcherVersion, ...(c.useEmulation ? ['--use-emulation'] : []),
    '--node-heartbeat-timeout-seconds', String(5 * c.heartbeatSeconds), '--node-recheck-seconds', String(c.heartbeatSeconds),
  ];
}

/** Turns a virt-controller JSON log line into `msg {fields}` for up's log (other lines unchanged). */
export function formatControllerLine(line: string): string {
  try {
    const o = JSON.parse(line) as Record<string, unknown>;
    if (typeof o !== 'object' || o === null || typeof o.msg !== 'string') return line;
    const { level, component, msg, ...fields } = o;
    void component;
    const rest = Object.keys(fields).length ? ` ${JSON.stringify(fields)}` : '';
    return `${level === 'error' ? 'error: ' : ''}${msg}${rest}`;
  } catch {
    return line;
  }
}
