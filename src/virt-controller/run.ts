/**
 * virt-controller's run(): builds the controllers over shared informers and runs them, behind a
 * Lease when leader election is on, until the signal aborts.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { DEFAULT_CLUSTER_CONFIG } from '../api/kubevirt/defaults/index.js';
import { EventRecorder } from '../client/events.js';
import { KubeClient } from '../client/kube-client.js';
import { LeaderElector } from '../client/leader.js';
import { InformerFactory, type ControllerDeps, type Logger } from './common.js';
import { startCpuProfile } from '../common/cpu-profile.js';
import { NodeController, type NodeControllerOptions } from './node/controller.js';
import { ReplicaSetController } from './replicaset/controller.js';
import { VMController } from './vm/controller.js';
import { VMIController } from './vmi/controller.js';

export interface VirtControllerOptions {
  readonly kubeconfig?: string;
  readonly leaderElect: boolean;
  readonly leaseNamespace: string;
  readonly version: string;
  readonly useEmulation?: boolean;
  readonly watchDataVolumes?: boolean;
  readonly identity?: string;
  /** Heartbeat timeout and recheck interval of the node controller (upstream's 5 min / 1 min by default). */
  readonly node?: NodeControllerOptions;
  readonly log: Logger;
}

/** Runs the controllers until `signal` aborts. */
export async function run(opts: VirtControllerOptions, signal: AbortSignal): Promise<void> {
  const stopProfile = await startCpuProfile('virt-controller');
  const client = await KubeClient.fromKubeconfig(opts.kubeconfig);
  const identity = opts.identity ?? `${hostname()}_${randomUUID()}`;
  const informers = new InformerFactory(client, 5 * 60_000);
  const deps: ControllerDeps = { client, recorder: new EventRecorder(client, 'virt-controller', identity), informers, now: () => new Date(), log: opts.log };
  const pod = { version: opts.version, cpuAllocationRatio: DEFAULT_CLUSTER_CONFIG.cpuAllocationRatio, useEmulation: opts.useEmulation ?? DEFAULT_CLUSTER_CONFIG.useEmulation };
  const controllers = [
    new VMIController(deps, { pod, watchDataVolumes: opts.watchDataVolumes }),
    new VMController(deps, { watchDataVolumes: opts.watchDataVolumes }),
    new ReplicaSetController(deps),
    new NodeController(deps, opts.node),
  ];
  const start = async () => {
    await informers.start();
    for (const c of controllers) c.run();
    opts.log.info('virt-controller started', { identity });
  };
  const elector = opts.leaderElect ? new LeaderElector(client, { namespace: opts.leaseNamespace, name: 'virt-controller', identity }) : undefined;
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
  if (elector) {
    elector.run(
      () => void start().catch((e: unknown) => opts.log.error('start failed', { err: String(e) })),
      () => {
        opts.log.error('lost the leader lease; exiting so a fresh process can wait for it', { identity });
        finish();
      },
    );
  } else await start();
  await done;
  for (const c of controllers) c.stop();
  await elector?.stop();
  await informers.stop();
  client.close();
  await stopProfile();
}
