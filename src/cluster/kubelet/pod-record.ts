/**
 * What the agent knows about each pod it runs, kept on disk under
 * `<stateDir>/pods/<uid>/record.json` (sandbox and container pids with their start times,
 * restart counts, last states) so a restarted agent re-adopts running pods instead of killing them.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SandboxHandle } from './sandbox.js';
import type { ContainerState } from './types.js';
import type { ProcessHandle } from './container-process.js';

export interface ContainerRecord {
  readonly name: string;
  readonly init: boolean;
  restartCount: number;
  image: string;
  imageID: string;
  containerID?: string;
  proc?: ProcessHandle;
  state: ContainerState;
  lastState: ContainerState;
  /** Earliest restart time (epoch ms) under back-off. */
  nextStartMs?: number;
  /** Consecutive failures to start (image pull, config), for their back-off. */
  startFailures?: number;
  /** Set when the agent killed it for a failed liveness/startup probe. */
  killedForProbe?: string;
  /** How the running process was started (env, working dir, rootfs), for exec. */
  runtime?: { env: Record<string, string>; workingDir: string; rootfs?: string };
}

export interface PodRecord {
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
  readonly startTime: string;
  sandbox?: SandboxHandle;
  podIP?: string;
  networkSetUp?: boolean;
  /** Epoch ms when termination began, and the grace allowed. */
  terminatingSinceMs?: number;
  graceSeconds?: number;
  /** The pod reached Succeeded/Failed and its sandbox was released. */
  finished?: boolean;
  containers: Record<string, ContainerRecord>;
}

/** Directory layout of one node agent's state. Records are cached as last read or written, so the
 *  per-second sync of a running pod neither reads its file nor rewrites it unchanged (the agent
 *  owns its state dir: nothing else writes the records while it runs). */
export class StateDir {
  private readonly written = new Map<string, string>();

  constructor(readonly root: string) {
    mkdirSync(join(root, 'pods'), { recursive: true });
    mkdirSync(join(root, 'logs'), { recursive: true });
  }

  podDir(uid: string): string {
    return join(this.root, 'pods', uid);
  }

  /** kubelet's /var/log/pods layout: logs/<ns>_<name>_<uid>/<container>/<restartCount>.log */
  logFile(r: Pick<PodRecord, 'namespace' | 'name' | 'uid'>, container: string, restartCount: number): string {
    return join(this.podLogDir(r), container, `${restartCount}.log`);
  }

  podLogDir(r: Pick<PodRecord, 'namespace' | 'name' | 'uid'>): string {
    return join(this.root, 'logs', `${r.namespace}_${r.name}_${r.uid}`);
  }

  exitFile(uid: string, container: string, restartCount: number): string {
    return join(this.podDir(uid), 'containers', container, `${restartCount}.exit`);
  }

  /** A fresh copy of the pod's record (callers change it and save it back). */
  load(uid: string): PodRecord | undefined {
    const cached = this.written.get(uid);
    if (cached !== undefined) return JSON.parse(cached) as PodRecord;
    const p = join(this.podDir(uid), 'record.json');
    if (!existsSync(p)) return undefined;
    try {
      const text = readFileSync(p, 'utf8');
      const r = JSON.parse(text) as PodRecord;
      this.written.set(uid, text);
      return r;
    } catch {
      return undefined;
    }
  }

  /** Writes the record atomically, unless it is what the file already holds. */
  save(r: PodRecord): void {
    const text = JSON.stringify(r);
    if (this.written.get(r.uid) === text) return;
    const dir = this.podDir(r.uid);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'record.json.tmp'), text);
    renameSync(join(dir, 'record.json.tmp'), join(dir, 'record.json'));
    this.written.set(r.uid, text);
  }

  /** Every pod uid with a record on disk. */
  uids(): string[] {
    return readdirSync(join(this.root, 'pods')).filter((u) => existsSync(join(this.podDir(u), 'record.json')));
  }

  /** Removes the pod's state and logs (after its processes and mounts are gone). */
  remove(r: Pick<PodRecord, 'namespace' | 'name' | 'uid'>): void {
    this.written.delete(r.uid);
    rmSync(this.podDir(r.uid), { recursive: true, force: true });
    rmSync(this.podLogDir(r), { recursive: true, force: true });
  }
}
