/**
 * The Events kubelet records on a pod as its containers go (reasons and messages worded as
 * kubelet words them): image pulls, creation and start, kills, and back-offs.
 */

/** One event for a pod. */
export interface PodEvent {
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  readonly message: string;
}

/** Where a pod worker sends its events (an EventRecorder in the node agent). */
export type PodEventSink = (e: PodEvent) => void;

const normal = (reason: string, message: string): PodEvent => ({ type: 'Normal', reason, message });
const warning = (reason: string, message: string): PodEvent => ({ type: 'Warning', reason, message });

/** Seconds as Go's time.Duration prints them (`1.234s`, `250ms`). */
export function goDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  return `${Number((ms / 1000).toFixed(3))}s`;
}

export const podEvents = {
  pulling: (image: string): PodEvent => normal('Pulling', `Pulling image "${image}"`),
  pulled: (image: string, ms: number): PodEvent => normal('Pulled', `Successfully pulled image "${image}" in ${goDuration(ms)} (${goDuration(ms)} including waiting)`),
  present: (image: string): PodEvent => normal('Pulled', `Container image "${image}" already present on machine`),
  /** A failed pull: kubelet's `Failed` event, then the container's `Error: <reason>`. */
  pullFailed: (image: string, reason: string, message: string): PodEvent[] => {
    if (reason === 'ErrImageNeverPull') return [warning('ErrImageNeverPull', message), warning('Failed', `Error: ${reason}`)];
    if (reason === 'InvalidImageName') return [warning('InspectFailed', message), warning('Failed', `Error: ${reason}`)];
    return [warning('Failed', `Failed to pull image "${image}": ${message}`), warning('Failed', `Error: ${reason}`)];
  },
  pullBackOff: (image: string): PodEvent[] => [normal('BackOff', `Back-off pulling image "${image}"`), warning('Failed', 'Error: ImagePullBackOff')],
  created: (container: string): PodEvent => normal('Created', `Created container: ${container}`),
  started: (container: string): PodEvent => normal('Started', `Started container ${container}`),
  killing: (container: string): PodEvent => normal('Killing', `Stopping container ${container}`),
  probeKill: (container: string, probe: string): PodEvent => normal('Killing', `Container ${container} failed ${probe} probe, will be restarted`),
  crashLoop: (container: string, pod: string, ns: string, uid: string): PodEvent => warning('BackOff', `Back-off restarting failed container ${container} in pod ${pod}_${ns}(${uid})`),
  failed: (reason: string): PodEvent => warning('Failed', `Error: ${reason}`),
  /** A volume's SetUp failed (a hostPath type check): the pod waits in ContainerCreating. */
  failedMount: (volume: string, message: string): PodEvent => warning('FailedMount', `MountVolume.SetUp failed for volume "${volume}" : ${message}`),
};
