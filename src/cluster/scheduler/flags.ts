/** The command line `up` runs kube-scheduler with (pure; see src/cmd/kube-scheduler.ts). */

/** Settings of the kube-scheduler process `up` runs. */
export interface KubeSchedulerProcessConfig {
  readonly kubeconfig: string;
  /** The leader identity, the same across restarts so a restarted process takes its own Lease at once. */
  readonly identity: string;
  /** PreBind's wait for claims (kube-scheduler's bindTimeoutSeconds). */
  readonly bindTimeoutSeconds: number;
}

/** The kube-scheduler command's arguments. */
export function kubeSchedulerArgs(c: KubeSchedulerProcessConfig): string[] {
  return ['--kubeconfig', c.kubeconfig, '--leader-elect', '--leader-elect-identity', c.identity, '--bind-timeout-seconds', String(c.bindTimeoutSeconds)];
}

/** A positive, finite number of seconds from `v`; undefined for anything else. */
export function positiveSeconds(v: string | undefined): number | undefined {
  const n = Number(v);
  return v !== undefined && v.trim() !== '' && Number.isFinite(n) && n > 0 ? n : undefined;
}

/**
 * The bind timeout `up` gives its scheduler: KUBEVIRT_TS_BIND_TIMEOUT_SECONDS (tests shorten it),
 * else kube-scheduler's 600 s; anything but a positive number means the default.
 */
export function bindTimeoutSeconds(env: NodeJS.ProcessEnv = process.env): number {
  return positiveSeconds(env.KUBEVIRT_TS_BIND_TIMEOUT_SECONDS) ?? 600;
}

/** The line kube-scheduler prints once it schedules (`up` waits for it). */
export const SCHEDULER_STARTED = 'kube-scheduler started';
