/**
 * `kubevirt-ts up`: runs the embedded control plane in the foreground until SIGINT/SIGTERM.
 * State lives under the data dir; restarting on the same dir keeps everything.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { startApiServer, type RunningApiServer } from './apiserver/server.js';
import { defaultModules } from './apiserver/wiring.js';

/** Options of `up`. */
export interface UpOptions {
  readonly dataDir: string;
  readonly port: number;
  readonly nodes: number;
  readonly log: (line: string) => void;
}

/** The default data dir, ~/.kubevirt-ts. */
export const defaultDataDir = (): string => join(homedir(), '.kubevirt-ts');

/** A running control plane. */
export interface RunningCluster {
  readonly apiServer: RunningApiServer;
  stop(): Promise<void>;
}

/** Starts everything `up` runs (today: the API server; nodes and KubeVirt components come later). */
export async function startCluster(opts: UpOptions): Promise<RunningCluster> {
  const apiServer = await startApiServer({
    dataDir: opts.dataDir,
    port: opts.port,
    modules: defaultModules(),
    log: process.env.KUBEVIRT_TS_DEBUG ? (msg, fields) => opts.log(`${msg} ${JSON.stringify(fields ?? {})}`) : undefined,
  });
  return { apiServer, stop: () => apiServer.stop() };
}

/** Runs until a signal arrives; resolves after a clean stop. A signal during start-up stops right after it. */
export async function runUp(opts: UpOptions): Promise<void> {
  const signalled = new Promise<void>((resolve) => {
    const onSignal = (sig: NodeJS.Signals): void => {
      opts.log(`kubevirt-ts: ${sig} received, stopping`);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  const cluster = await startCluster(opts);
  opts.log(`kubevirt-ts: API server listening on ${cluster.apiServer.url}`);
  opts.log(`kubevirt-ts: export KUBECONFIG=${cluster.apiServer.kubeconfigPath}`);
  if (opts.nodes !== 1) opts.log(`kubevirt-ts: --nodes ${opts.nodes} noted; nodes are not started by this version yet`);
  await signalled;
  await cluster.stop();
  opts.log('kubevirt-ts: stopped');
}
