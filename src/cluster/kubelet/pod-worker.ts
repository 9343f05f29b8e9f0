/**
 * Brings one pod's processes in line with its spec, level-triggered: sandbox and volumes, init
 * containers in order, containers with restart back-off and probes, status through
 * pods/status when it changed, and on deletion SIGTERM -> grace -> SIGKILL -> release -> delete.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { podResolvConf } from '../network/resolv.js';
import { buildContainerRoot } from './rootfs.js';
import { backoffDelay, OperationBackoff, restartDecision, shouldRestart } from './backoff.js';
import { cgroupPath, killContainerCgroup, removePodCgroups, setupContainerCgroups } from './cgroups.js';
import { kill, readExitCode, startContainer, terminate, terminatedReason } from './container-process.js';
import { ContainerConfigError, containerArgv, containerEnv, referencedObjects, type EnvSources } from './env.js';
import { serviceEnv, type ServiceForEnv } from './service-env.js';
import { ImageResolveError, resolveImage, type ImageResolverOptions } from './images.js';
import { metaTime } from './node-object.js';
import type { ContainerRecord, PodRecord, StateDir } from './pod-record.js';
import { computePodStatus, statusChanged } from './pod-status.js';
import { isAlive } from './procs.js';
import { probeDue, recordProbe, runProbe, type ProbeState } from './probes.js';
import { shadowedPathMounts, startSandbox, stopSandbox } from './sandbox.js';
import { podEvents, type PodEvent } from './events.js';
import type { Container, ContainerStatus, Pod, PodStatus } from './types.js';
import { ImageVolumes, podPullCredentials } from './image-volumes.js';
import { prepareVolumes, refreshVolumes, sandboxMounts, VolumeMountError, type VolumeSources } from './volumes.js';

/** The API calls a pod worker makes; implemented over KubeClient in api-objects.ts. */
export interface PodApi extends VolumeSources {
  patchStatus(pod: Pod, status: PodStatus): Promise<void>;
  /** The final delete with grace 0 and a uid precondition, as kubelet does. */
  deleteFinal(pod: Pod): Promise<void>;
  /** The Services of a namespace, for the containers' Service variables (none when absent). */
  services?(namespace: string): Promise<readonly ServiceForEnv[]>;
}

/** The PodNetwork contract of src/cluster/network, as the agent consumes it. */
export interface PodNetworkLike {
  setup(podUid: string): Promise<{ netnsPath: string; ip: string }>;
  teardown(podUid: string): Promise<void>;
}

export interface PodWorkerDeps {
  readonly node: string;
  readonly hostIP: string;
  readonly state: StateDir;
  readonly api: PodApi;
  readonly images: ImageResolverOptions;
  readonly network?: PodNetworkLike;
  readonly nodeAllocatable?: Readonly<Record<string, string>>;
  readonly log: (msg: string) => void;
  /** Kubelet's events about the pod (image pulls, container created/started/killed, back-offs). */
  readonly events?: (pod: Pod, e: PodEvent) => void;
  readonly now?: () => number;
}

const POLL_MS = 1000;
/** Retry of a sandbox that failed for another reason than a volume (volumes back off as kubelet's). */
const SANDBOX_RETRY_MS = 5000;
/** How often configMap/secret/downwardAPI volumes are re-read (kubelet: about a minute). */
const VOLUME_REFRESH_MS = 10_000;

export class PodWorker {
  private readonly probes = new Map<string, ProbeState>();
  private readonly imageVolumes: ImageVolumes;
  private readonly volumesRefreshed = new Map<string, number>();
  /** Per pod uid, kubelet's volume mount back-off after a FailedMount. */
  private readonly mountBackoff = new OperationBackoff();

  constructor(private readonly d: PodWorkerDeps) {
    this.imageVolumes = new ImageVolumes(d.images.puller, () => this.now());
  }

  private emit(pod: Pod, ...events: PodEvent[]): void {
    for (const e of events) this.d.events?.(pod, e);
  }

  private now(): number {
    return (this.d.now ?? Date.now)();
  }

  /** One reconcile of a pod the API shows bound to this node; returns the requeue delay. */
  async sync(pod: Pod): Promise<number | undefined> {
    const uid = pod.metadata?.uid ?? '';
    const r = this.d.state.load(uid) ?? this.newRecord(pod);
    if (pod.metadata?.deletionTimestamp) return this.terminatePod(pod, r);
    if (r.finished) return undefined;
    this.refresh(r);
    if (!r.sandbox || !isAlive(r.sandbox.pid, r.sandbox.startTime)) {
      // Pod updates (our own status write among them) must not retry a failed mount before its back-off ends.
      const wait = this.mountBackoff.remaining(uid, this.now());
      if (wait > 0) return wait;
      const retryMs = await this.createSandbox(pod, r);
      if (retryMs !== undefined) {
        this.d.state.save(r);
        await this.writeStatus(pod, r);
        return retryMs;
      }
    }
    await this.maybeRefreshVolumes(pod, r);
    const initDone = await this.syncInit(pod, r);
    if (initDone) for (const c of pod.spec.containers) await this.syncContainer(pod, r, c, false);
    const status = await this.writeStatus(pod, r);
    if (status.phase === 'Succeeded' || status.phase === 'Failed') {
      await this.release(r);
      r.finished = true;
    }
    this.d.state.save(r);
    return r.finished ? undefined : POLL_MS;
  }

  private newRecord(pod: Pod): PodRecord {
    const ctr = (c: Container, init: boolean): [string, ContainerRecord] => [key(c.name, init), { name: c.name, init, restartCount: 0, image: c.image ?? '', imageID: '', state: { waiting: { reason: init ? 'PodInitializing' : 'ContainerCreating' } }, lastState: {} }];
    const r: PodRecord = {
      uid: pod.metadata?.uid ?? '',
      namespace: pod.metadata?.namespace ?? 'default',
      name: pod.metadata?.name ?? '',
      startTime: metaTime(new Date(this.now())),
      containers: Object.fromEntries([...(pod.spec.initContainers ?? []).map((c) => ctr(c, true)), ...pod.spec.containers.map((c) => ctr(c, false))]),
    };
    if (!pod.spec.initContainers?.length) for (const c of Object.values(r.containers)) c.state = { waiting: { reason: 'ContainerCreating' } };
    this.d.state.save(r);
    return r;
  }

  /** Notices containers that exited (exit file) or vanished (killed) since the last sync. */
  private refresh(r: PodRecord): void {
    for (const c of Object.values(r.containers)) {
      if (!c.proc) continue;
      const exitFile = this.d.state.exitFile(r.uid, c.name, c.restartCount);
      const code = readExitCode(exitFile);
      if (code === undefined && isAlive(c.proc.pid, c.proc.startTime)) continue;
      const exitCode = code ?? 137;
      let finishedAt = metaTime(new Date(this.now()));
      try {
        finishedAt = metaTime(statSync(exitFile).mtime);
      } catch {
        // killed: no exit file
      }
      c.state = { terminated: { exitCode, reason: c.killedForProbe ? 'Error' : terminatedReason(exitCode), startedAt: c.state.running?.startedAt, finishedAt, containerID: c.containerID } };
      c.proc = undefined;
      c.killedForProbe = undefined;
      const left = killContainerCgroup(cgroupPath(this.d.node, r.uid, c.name));
      if (left.length) this.d.log(`pod ${r.namespace}/${r.name} container ${c.name}: main process exited; killed ${left.length} process(es) left in its cgroup`);
    }
  }

  private async maybeRefreshVolumes(pod: Pod, r: PodRecord): Promise<void> {
    const last = this.volumesRefreshed.get(r.uid);
    if (last !== undefined && this.now() - last < VOLUME_REFRESH_MS) return;
    this.volumesRefreshed.set(r.uid, this.now());
    if (last === undefined) return; // just written by createSandbox, or re-adopted: next round
    const changed = await refreshVolumes(pod, this.d.state.podDir(r.uid), this.d.api).catch(() => []);
    if (changed.length) this.d.log(`pod ${r.namespace}/${r.name}: volumes ${changed.join(', ')} updated`);
  }

  /** Sets up volumes, network and sandbox; undefined when done, else the wait before the next try. */
  private async createSandbox(pod: Pod, r: PodRecord): Promise<number | undefined> {
    try {
      const volumes = await prepareVolumes(pod, this.d.state.podDir(r.uid), this.d.api, this.imageVolumes);
      this.mountBackoff.reset(r.uid);
      let netnsPath: string | undefined;
      if (!pod.spec.hostNetwork && this.d.network) {
        const net = await this.d.network.setup(r.uid);
        r.networkSetUp = true;
        r.podIP = net.ip;
        netnsPath = net.netnsPath;
      }
      const mounts = sandboxMounts(pod, volumes);
      const resolv = pod.spec.hostNetwork ? '/etc/resolv.conf' : await podResolvConf();
      // The host's resolver, or its upstream when the host's file lists only a loopback resolver (systemd-resolved).
      if (resolv !== '/etc/resolv.conf') mounts.push({ source: resolv, target: '/etc/resolv.conf', readOnly: true, file: true });
      mounts.push(...shadowedPathMounts([resolve(this.d.images.repoDir)]));
      r.sandbox = await startSandbox({ hostNetwork: pod.spec.hostNetwork === true, netnsPath, mounts });
      return undefined;
    } catch (e) {
      const reason = e instanceof ContainerConfigError || e instanceof ImageResolveError || e instanceof VolumeMountError ? e.reason : 'CreateContainerError';
      // A FailedMount event per attempt, as kubelet: the back-off bounds them, the recorder folds repeats into one Event.
      if (e instanceof VolumeMountError) this.emit(pod, podEvents.failedMount(e.volume, e.message));
      const retryMs = e instanceof VolumeMountError ? this.mountBackoff.failed(r.uid, this.now()) : SANDBOX_RETRY_MS;
      this.d.log(`pod ${r.namespace}/${r.name}: sandbox: ${(e as Error).message}${e instanceof VolumeMountError ? ` (retry in ${retryMs} ms)` : ''}`);
      for (const c of Object.values(r.containers)) c.state = { waiting: { reason, message: (e as Error).message } };
      return retryMs;
    }
  }

  /** Runs init containers one at a time; true once all have succeeded. */
  private async syncInit(pod: Pod, r: PodRecord): Promise<boolean> {
    for (const c of pod.spec.initContainers ?? []) {
      const rec = r.containers[key(c.name, true)];
      if (!rec) continue;
      if (rec.state.terminated?.exitCode === 0) continue;
      // Init containers restart on failure unless restartPolicy is Never.
      await this.syncContainer(pod, r, c, true);
      return false;
    }
    return true;
  }

  private async syncContainer(pod: Pod, r: PodRecord, c: Container, init: boolean): Promise<void> {
    const rec = r.containers[key(c.name, init)];
    if (!rec) return;
    if (rec.proc) return this.probe(pod, r, c, rec);
    if (rec.state.waiting && (rec.nextStartMs ?? 0) > this.now()) {
      if (rec.state.waiting.reason === 'ErrImagePull') {
        rec.state = { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${c.image ?? ''}"` } };
        this.emit(pod, ...podEvents.pullBackOff(c.image ?? ''));
      }
      return;
    }
    const t = rec.state.terminated;
    const neverStarted = !t && rec.restartCount === 0 && !rec.lastState.terminated && !rec.containerID;
    if (!neverStarted) {
      const last = t ?? rec.lastState.terminated;
      const policy = init && pod.spec.restartPolicy !== 'Never' ? 'OnFailure' : pod.spec.restartPolicy;
      if (last && !shouldRestart(policy, last.exitCode)) return;
      if (t) {
        rec.lastState = { terminated: t };
        const startedMs = Date.parse(t.startedAt ?? '') || 0;
        const finishedMs = Date.parse(t.finishedAt ?? '') || this.now();
        // The first restart is immediate; later ones back off 10 s, 20 s, ... up to 5 min.
        const d = restartDecision(rec.restartCount, startedMs, finishedMs, this.now());
        rec.nextStartMs = this.now() + d.waitMs;
        if (!d.restartNow) {
          rec.state = { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${Math.round(backoffDelay(rec.restartCount) / 1000)}s restarting failed container=${c.name} pod=${r.name}_${r.namespace}(${r.uid})` } };
          this.emit(pod, podEvents.crashLoop(c.name, r.name, r.namespace, r.uid));
        }
      }
      if ((rec.nextStartMs ?? 0) > this.now()) return;
      rec.restartCount++;
    }
    await this.start(pod, r, c, rec);
  }

  private async start(pod: Pod, r: PodRecord, c: Container, rec: ContainerRecord): Promise<void> {
    const sandbox = r.sandbox;
    if (!sandbox) return;
    try {
      const image = await resolveImage(c.image ?? '', c.imagePullPolicy, this.d.images, await podPullCredentials(pod, this.d.api), (e) => this.emit(pod, e));
      rec.imageID = image.imageID;
      const env = containerEnv(pod, c, await this.envSources(pod));
      const imageEnv = Object.fromEntries(image.env.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
      const argv = containerArgv(c, env, image);
      if (argv.length === 0) throw new ContainerConfigError(`no command specified for container "${c.name}"`);
      const cg = setupContainerCgroups(this.d.node, r.uid, pod.spec, c);
      for (const w of cg.warnings) this.d.log(`pod ${r.namespace}/${r.name} container ${c.name}: ${w}`);
      const workingDir = c.workingDir ?? image.workingDir ?? '/';
      const rootfs = image.rootfs ? await this.containerRoot(pod, r, c, image.rootfs, workingDir) : undefined;
      const runtime = {
        env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOSTNAME: pod.spec.hostNetwork ? this.d.node : r.name, ...imageEnv, ...Object.fromEntries(env) },
        workingDir,
        ...(rootfs ? { rootfs } : {}),
      };
      const proc = startContainer({
        sandboxPid: sandbox.pid,
        argv,
        ...runtime,
        logFile: this.d.state.logFile(r, c.name, rec.restartCount),
        exitFile: this.d.state.exitFile(r.uid, c.name, rec.restartCount),
        cgroupProcs: cg.procs,
      });
      rec.proc = proc;
      rec.runtime = runtime;
      rec.startFailures = 0;
      rec.containerID = `kubevirt-ts://${r.uid}-${c.name}-${rec.restartCount}`;
      rec.state = { running: { startedAt: metaTime(new Date(this.now())) } };
      this.emit(pod, podEvents.created(c.name), podEvents.started(c.name));
      for (const kind of ['startup', 'liveness', 'readiness']) this.probes.delete(`${r.uid}/${c.name}/${kind}`);
    } catch (e) {
      const reason = e instanceof ImageResolveError || e instanceof ContainerConfigError ? e.reason : 'RunContainerError';
      rec.state = { waiting: { reason, message: (e as Error).message } };
      this.emit(pod, ...(e instanceof ImageResolveError ? podEvents.pullFailed(c.image ?? '', reason, e.message) : [podEvents.failed(reason)]));
      rec.startFailures = (rec.startFailures ?? 0) + 1;
      rec.nextStartMs = this.now() + backoffDelay(rec.startFailures);
      if (rec.restartCount > 0 && !rec.lastState.terminated) rec.restartCount--;
      this.d.log(`pod ${r.namespace}/${r.name} container ${c.name}: ${(e as Error).message}`);
    }
  }

  /** A fresh root for an image container: overlay on the image, /proc, /dev, /etc files, volumes. */
  private async containerRoot(pod: Pod, r: PodRecord, c: Container, image: string, workingDir: string): Promise<string> {
    if (!r.sandbox) throw new ContainerConfigError('pod sandbox is not running');
    const etcDir = join(this.d.state.podDir(r.uid), 'etc');
    mkdirSync(etcDir, { recursive: true });
    const hostname = pod.spec.hostNetwork ? this.d.node : r.name;
    const files: Record<string, string> = {
      'resolv.conf': readFileSync(await podResolvConf(), 'utf8'),
      hosts: podHostsFile(hostname, r.podIP ?? (pod.spec.hostNetwork ? this.d.hostIP : undefined)),
      hostname: `${hostname}\n`,
    };
    const etc: Record<string, string> = {};
    for (const [name, text] of Object.entries(files)) {
      writeFileSync(join(etcDir, name), text);
      etc[name] = join(etcDir, name);
    }
    return buildContainerRoot(r.sandbox.pid, {
      image,
      dir: join(this.d.state.podDir(r.uid), 'containers', c.name, 'fs'),
      etc,
      volumes: (c.volumeMounts ?? []).map((m) => ({ path: m.mountPath, readOnly: m.readOnly })),
      workingDir,
    });
  }

  private async envSources(pod: Pod): Promise<EnvSources> {
    const ns = pod.metadata?.namespace ?? 'default';
    const refs = referencedObjects(pod);
    const configMaps = new Map<string, Readonly<Record<string, string>>>();
    const secrets = new Map<string, Readonly<Record<string, string>>>();
    for (const n of refs.configMaps) {
      const d = await this.d.api.configMap(ns, n);
      if (d) configMaps.set(n, d);
    }
    for (const n of refs.secrets) {
      const d = await this.d.api.secret(ns, n);
      if (d) secrets.set(n, d);
    }
    return { configMaps, secrets, nodeAllocatable: this.d.nodeAllocatable, serviceEnv: await this.serviceEnv(pod) };
  }

  /** kubelet's Service variables: `default`'s kubernetes Service, and the namespace's Services with enableServiceLinks. */
  private async serviceEnv(pod: Pod): Promise<Map<string, string>> {
    const api = this.d.api;
    if (!api.services) return new Map();
    const ns = pod.metadata?.namespace ?? 'default';
    const links = pod.spec.enableServiceLinks ?? true;
    const services = [...(links ? await api.services(ns) : []), ...(ns !== 'default' || !links ? await api.services('default') : [])];
    return serviceEnv(services, ns, links);
  }

  /** Startup, then liveness (kill on failure) and readiness probes of a running container. */
  private async probe(pod: Pod, r: PodRecord, c: Container, rec: ContainerRecord): Promise<void> {
    if (!r.sandbox || !rec.proc) return;
    const startedMs = Date.parse(rec.state.running?.startedAt ?? '') || this.now();
    const ctx = { sandboxPid: r.sandbox.pid, ip: r.podIP ?? '127.0.0.1', ports: c.ports, runtime: rec.runtime };
    const step = async (kind: string, p: NonNullable<Container['livenessProbe']>): Promise<boolean | undefined> => {
      const k = `${r.uid}/${c.name}/${kind}`;
      const prev = this.probes.get(k);
      if (probeDue(p, prev, startedMs, this.now())) this.probes.set(k, recordProbe(p, prev, await runProbe(p, ctx), this.now()));
      return this.probes.get(k)?.ok;
    };
    const started = c.startupProbe ? await step('startup', c.startupProbe) : true;
    if (started === false || (started && c.livenessProbe && (await step('liveness', c.livenessProbe)) === false)) {
      rec.killedForProbe = started === false ? 'startup' : 'liveness';
      this.d.log(`pod ${r.namespace}/${r.name} container ${c.name} failed ${rec.killedForProbe} probe, will be restarted`);
      this.emit(pod, podEvents.probeKill(c.name, rec.killedForProbe));
      terminate(rec.proc);
      return;
    }
    const ready = started === true && (!c.readinessProbe || (await step('readiness', c.readinessProbe)) === true);
    this.probes.set(`${r.uid}/${c.name}/ready`, { successes: ready ? 1 : 0, failures: 0, ok: ready, lastRunMs: this.now() });
    this.probes.set(`${r.uid}/${c.name}/started`, { successes: 0, failures: 0, ok: started === true, lastRunMs: this.now() });
  }

  private containerStatus(pod: Pod, r: PodRecord, c: Container, init: boolean): ContainerStatus {
    const rec = r.containers[key(c.name, init)];
    const running = Boolean(rec?.proc);
    const ready = running && !init && this.probes.get(`${r.uid}/${c.name}/ready`)?.ok === true;
    const started = running && (init || this.probes.get(`${r.uid}/${c.name}/started`)?.ok === true);
    return {
      name: c.name,
      state: rec?.state ?? { waiting: { reason: 'ContainerCreating' } },
      lastState: rec?.lastState ?? {},
      ready: init ? rec?.state.terminated?.exitCode === 0 : ready,
      started,
      restartCount: rec?.restartCount ?? 0,
      image: c.image ?? '',
      imageID: rec?.imageID ?? '',
      ...(rec?.containerID ? { containerID: rec.containerID } : {}),
    };
  }

  private async writeStatus(pod: Pod, r: PodRecord): Promise<PodStatus> {
    const init = (pod.spec.initContainers ?? []).map((c) => this.containerStatus(pod, r, c, true));
    const main = pod.spec.containers.map((c) => this.containerStatus(pod, r, c, false));
    const status = computePodStatus(pod, init, main, { hostIP: this.d.hostIP, podIP: r.podIP, startTime: r.startTime, now: metaTime(new Date(this.now())) });
    if (statusChanged(pod.status, status)) await this.d.api.patchStatus(pod, status);
    return status;
  }

  /** Deletion: SIGTERM, wait out the grace period, SIGKILL, release, then the final delete. */
  private async terminatePod(pod: Pod, r: PodRecord): Promise<number | undefined> {
    this.refresh(r);
    const running = Object.values(r.containers).filter((c) => c.proc);
    if (r.terminatingSinceMs === undefined) {
      r.terminatingSinceMs = this.now();
      r.graceSeconds = pod.metadata?.deletionGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
      for (const c of running) {
        if (c.proc) terminate(c.proc);
        this.emit(pod, podEvents.killing(c.name));
      }
    } else if (running.length && this.now() >= r.terminatingSinceMs + (r.graceSeconds ?? 30) * 1000) {
      for (const c of running) if (c.proc) kill(c.proc);
    }
    this.d.state.save(r);
    if (running.length) return 200;
    await this.release(r);
    await this.d.api.deleteFinal(pod);
    this.d.state.remove(r);
    this.volumesRefreshed.delete(r.uid);
    this.mountBackoff.reset(r.uid);
    return undefined;
  }

  /** Kills whatever is left of the pod and frees its sandbox, cgroups and network. */
  async release(r: PodRecord): Promise<void> {
    for (const c of Object.values(r.containers)) if (c.proc) kill(c.proc);
    if (r.sandbox) stopSandbox(r.sandbox);
    r.sandbox = undefined;
    removePodCgroups(this.d.node, r.uid);
    if (r.networkSetUp && this.d.network) await this.d.network.teardown(r.uid);
    r.networkSetUp = false;
    this.d.state.save(r);
  }

  /** A pod gone from the API (force-deleted) or unknown at start: kill and remove everything. */
  async forget(uid: string): Promise<void> {
    const r = this.d.state.load(uid);
    if (!r) return;
    this.refresh(r);
    await this.release(r);
    this.d.state.remove(r);
    for (const k of [...this.probes.keys()]) if (k.startsWith(`${uid}/`)) this.probes.delete(k);
    this.volumesRefreshed.delete(uid);
    this.mountBackoff.reset(uid);
  }
}

/** A pod's /etc/hosts, as kubelet writes it. */
export function podHostsFile(hostname: string, ip: string | undefined): string {
  const lines = ['# Kubernetes-managed hosts file.', '127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback', 'fe00::0\tip6-localnet', 'fe00::0\tip6-mcastprefix', 'fe00::1\tip6-allnodes', 'fe00::2\tip6-allrouters'];
  if (ip) lines.push(`${ip}\t${hostname}`);
  return `${lines.join('\n')}\n`;
}

function key(name: string, init: boolean): string {
  return init ? `init:${name}` : name;
}
