/**
 * kube-scheduler's run(): the Scheduler over a client from its kubeconfig, behind the
 * kube-system/kube-scheduler Lease when leader election is on, until the signal aborts. `up`
 * runs it as its own process (src/cmd/kube-scheduler.ts) so that the client side of every watch
 * event, binding and status write stays off the API server's thread (docs/adr/0008).
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { KubeClient } from '../../client/kube-client.js';
import { LeaderElector } from '../../client/leader.js';
import { startCpuProfile } from '../../common/cpu-profile.js';
import { SCHEDULER_STARTED } from './flags.js';
import { SCHEDULER_LEASE } from './rbac.js';
import { Scheduler } from './scheduler.js';

export interface KubeSchedulerOptions {
  readonly kubeconfig?: string;
  readonly leaderElect: boolean;
  readonly leaseNamespace?: string;
  readonly leaseName?: string;
  /** Leader identity; host name and a random suffix by default (as upstream). */
  readonly identity?: string;
  /** How long PreBind waits for a pod's claims to bind. */
  readonly bindTimeoutMs?: number;
  readonly log: (line: string) => void;
}

/** Schedules pods until `signal` aborts; with leader election, only while holding the Lease. */
export async function run(o: KubeSchedulerOptions, signal: AbortSignal): Promise<void> {
  const stopProfile = await startCpuProfile('kube-scheduler');
  const client = await KubeClient.fromKubeconfig(o.kubeconfig);
  const identity = o.identity ?? `${hostname()}_${randomUUID()}`;
  const scheduler = new Scheduler(client, { log: o.log, ...(o.bindTimeoutMs ? { bindTimeoutMs: o.bindTimeoutMs } : {}) });
  const start = async () => {
    await scheduler.start();
    o.log(`${SCHEDULER_STARTED} as ${identity}`);
  };
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
  const elector = o.leaderElect
    ? new LeaderElector(client, { namespace: o.leaseNamespace ?? SCHEDULER_LEASE.namespace, name: o.leaseName ?? SCHEDULER_LEASE.name, identity })
    : undefined;
  if (elector) {
    elector.run(
      () => void start().catch((e: unknown) => {
        o.log(`error: start failed: ${String(e)}`);
        finish();
      }),
      () => {
        o.log(`error: lost the leader lease as ${identity}; exiting so a fresh process can wait for it`);
        finish();
      },
    );
  } else await start();
  await done;
  await scheduler.stop();
  await elector?.stop();
  client.close();
  await stopProfile();
}
