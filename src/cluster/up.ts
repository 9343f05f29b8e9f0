/**
 * `kubevirt-ts up`: runs the embedded control plane in the foreground until SIGINT, SIGTERM or
 * SIGHUP, then stops cleanly (no guest left). State lives under the data dir; restarting on the
 * same dir keeps everything. Losing the reader of its output does not stop it.
 */
import { mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KubeClient } from '../client/kube-client.js';
import { startApiServer, type RunningApiServer } from './apiserver/server.js';
import { startDemo } from './demo.js';
import { defaultModules } from './apiserver/wiring.js';
import { tolerateOutputLoss } from './output-loss.js';
import { heartbeatSeconds, startStack } from './stack.js';
import { removeUpRecord, selfIdentity, writeUpRecord, type UpRecord } from './status/up-record.js';

/** Options of `up`. */
export interface UpOptions {
  readonly dataDir: string;
  readonly port: number;
  readonly nodes: number;
  readonly log: (line: string) => void;
  /** Run only the API server (no KubeVirt components, scheduler or nodes). */
  readonly controlPlaneOnly?: boolean;
  /** Once the stack is ready, side-load the locally built guest and apply examples/demo-vm.yaml. */
  readonly demo?: boolean;
}

/** The repository root (holding dist/ and deploy/), from this module's location in src/ or dist/. */
export const repoDir = (): string => fileURLToPath(new URL('../..', import.meta.url));

/** The default data dir, ~/.kubevirt-ts. */
export const defaultDataDir = (): string => join(homedir(), '.kubevirt-ts');

/** A running control plane. */
export interface RunningCluster {
  readonly apiServer: RunningApiServer;
  stop(): Promise<void>;
}

/** Starts everything `up` runs: the API server, then (unless controlPlaneOnly) the stack on top of it. */
export async function startCluster(opts: UpOptions): Promise<RunningCluster> {
  const apiServer = await startApiServer({
    dataDir: opts.dataDir,
    port: opts.port,
    modules: defaultModules(),
    log: process.env.KUBEVIRT_TS_DEBUG ? (msg, fields) => opts.log(`${msg} ${JSON.stringify(fields ?? {})}`) : undefined,
  });
  if (opts.controlPlaneOnly) return { apiServer, stop: () => apiServer.stop() };
  const admin = await KubeClient.fromKubeconfig(apiServer.kubeconfigPath);
  try {
    const stack = await startStack({ api: apiServer, admin, dataDir: opts.dataDir, repoDir: repoDir(), nodes: opts.nodes, log: opts.log });
    return {
      apiServer,
      stop: async () => {
        await stack.stop();
        admin.close();
        await apiServer.stop();
      },
    };
  } catch (e) {
    admin.close();
    await apiServer.stop();
    throw e;
  }
}

/** Starts the demo VM; a failure (no apt lists, no archive) is reported and leaves the cluster up. */
async function runDemo(opts: UpOptions, cluster: RunningCluster, signal: AbortSignal): Promise<{ reported: Promise<void> } | undefined> {
  try {
    return await startDemo({ kubeconfigPath: cluster.apiServer.kubeconfigPath, dataDir: opts.dataDir, repoDir: repoDir(), log: opts.log, signal });
  } catch (e) {
    opts.log(`kubevirt-ts: demo VM not started: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
}

/** The signals that stop `up` cleanly (SIGHUP: its terminal or session went away). */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** `signalled` resolves on the first stop signal. Later ones are logged and ignored, so an impatient
 *  second signal cannot cut the clean shutdown short and leave guests behind (SIGKILL still forces). */
function stopSignals(log: (line: string) => void): { signalled: Promise<void>; off(): void } {
  let stopping = false;
  let onSignal: (sig: NodeJS.Signals) => void = () => {};
  const signalled = new Promise<void>((resolve) => {
    onSignal = (sig) => {
      log(stopping ? `kubevirt-ts: ${sig} received, already stopping (SIGKILL forces an unclean stop)` : `kubevirt-ts: ${sig} received, stopping`);
      stopping = true;
      resolve();
    };
  });
  for (const sig of STOP_SIGNALS) process.on(sig, onSignal);
  return { signalled, off: () => STOP_SIGNALS.forEach((sig) => process.off(sig, onSignal)) };
}

/** Runs until a signal arrives; resolves after a clean stop. A signal during start-up stops right after it. */
export async function runUp(opts: UpOptions): Promise<void> {
  tolerateOutputLoss();
  const signals = stopSignals(opts.log);
  const record: UpRecord = {
    ...selfIdentity(),
    phase: 'Starting',
    startedAt: new Date().toISOString(),
    kubeconfig: join(opts.dataDir, 'kubeconfig'),
    nodes: opts.nodes,
    controlPlaneOnly: opts.controlPlaneOnly === true,
    heartbeatSeconds: heartbeatSeconds(),
  };
  await mkdir(opts.dataDir, { recursive: true, mode: 0o700 });
  writeUpRecord(opts.dataDir, record);
  let cluster: RunningCluster;
  try {
    cluster = await startCluster(opts);
  } catch (e) {
    removeUpRecord(opts.dataDir);
    signals.off();
    throw e;
  }
  writeUpRecord(opts.dataDir, { ...record, phase: 'Running', url: cluster.apiServer.url, kubeconfig: cluster.apiServer.kubeconfigPath });
  opts.log(`kubevirt-ts: API server listening on ${cluster.apiServer.url}`);
  opts.log(`kubevirt-ts: export KUBECONFIG=${cluster.apiServer.kubeconfigPath}`);
  const abort = new AbortController();
  const demo = opts.demo && !opts.controlPlaneOnly ? await runDemo(opts, cluster, abort.signal) : undefined;
  await signals.signalled;
  abort.abort();
  await demo?.reported;
  await cluster.stop();
  removeUpRecord(opts.dataDir);
  signals.off();
  opts.log('kubevirt-ts: stopped');
}
