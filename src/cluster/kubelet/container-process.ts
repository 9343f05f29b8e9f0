/**
 * Starts one container as a detached host process inside its pod sandbox. A fixed wrapper
 * (`sh -c WRAPPER`, user data only in argv) joins the container's cgroups, runs the command
 * (chrooted into an image rootfs when there is one), forwards SIGTERM, and records the exit
 * code in a file so the agent learns it even after being restarted.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, closeSync, readFileSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { procStartTime, signal } from './procs.js';

/**
 * Prefixes each line with its time and stream, as kubelet's CRI log files have them:
 * `2024-01-02T03:04:05.000000000Z stdout F text` (awk's clock has whole seconds).
 */
const STAMP = '{ print strftime("%Y-%m-%dT%H:%M:%S", systime(), 1) ".000000000Z " s " F " $0; fflush() }';

// $1 exit file, $2 working dir, $3 rootfs ('' for the host's), then cgroup.procs files, '--', argv.
// stdout and stderr go through FIFOs to one timestamping awk each, which append to the log (our stdout).
const WRAPPER = [
  'exitf=$1; wd=$2; root=$3; shift 3',
  'while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do echo $$ > "$1" 2>/dev/null; shift; done; shift',
  'rm -f "$exitf.out" "$exitf.err"; mkfifo "$exitf.out" "$exitf.err"',
  // mawk reads pipes in blocks unless interactive; other awks read what arrives.
  'awk=awk; if command -v mawk >/dev/null 2>&1; then awk="mawk -W interactive"; fi',
  `$awk -v s=stdout '${STAMP}' < "$exitf.out" & o=$!`,
  `$awk -v s=stderr '${STAMP}' < "$exitf.err" & e=$!`,
  'if [ -n "$root" ]; then unshare --root="$root" --wd="$wd" -- "$@" > "$exitf.out" 2> "$exitf.err" & else (mkdir -p "$wd" && cd "$wd" && exec "$@") > "$exitf.out" 2> "$exitf.err" & fi',
  'child=$!',
  "trap 'kill -TERM $child 2>/dev/null' TERM",
  "trap 'kill -INT $child 2>/dev/null' INT",
  'while :; do wait $child; rc=$?; if [ $rc -gt 128 ] && kill -0 $child 2>/dev/null; then continue; fi; break; done',
  'wait $o $e; rm -f "$exitf.out" "$exitf.err"',
  'echo $rc > "$exitf.tmp" && mv "$exitf.tmp" "$exitf"',
].join('\n');

export interface ContainerLaunch {
  /** The sandbox holder whose namespaces the container joins. */
  readonly sandboxPid: number;
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly workingDir: string;
  readonly rootfs?: string;
  readonly logFile: string;
  readonly exitFile: string;
  readonly cgroupProcs: readonly string[];
}

export interface ProcessHandle {
  readonly pid: number;
  readonly startTime: string;
}

/** The full argv the agent spawns for a container (exported for tests). */
export function launchArgv(l: ContainerLaunch): string[] {
  return ['nsenter', '-t', String(l.sandboxPid), '-m', '-n', '--', '/bin/sh', '-c', WRAPPER, 'container', l.exitFile, l.workingDir, l.rootfs ?? '', ...l.cgroupProcs, '--', ...l.argv];
}

/** Spawns the container detached, stdout and stderr appended to its log file. */
export function startContainer(l: ContainerLaunch): ProcessHandle {
  mkdirSync(dirname(l.logFile), { recursive: true });
  mkdirSync(dirname(l.exitFile), { recursive: true });
  const fd = openSync(l.logFile, 'a');
  try {
    const argv = launchArgv(l);
    const child = spawn(argv[0] ?? 'nsenter', argv.slice(1), { detached: true, stdio: ['ignore', fd, fd], env: { ...l.env } });
    child.unref();
    const pid = child.pid;
    if (!pid) throw new Error(`cannot start ${l.argv[0] ?? 'container'}`);
    return { pid, startTime: procStartTime(pid) ?? '' };
  } finally {
    closeSync(fd);
  }
}

/** The recorded exit code, or undefined while none was written. */
export function readExitCode(exitFile: string): number | undefined {
  if (!existsSync(exitFile)) return undefined;
  const n = Number(readFileSync(exitFile, 'utf8').trim());
  return Number.isInteger(n) ? n : undefined;
}

/** Asks the container to stop (the wrapper forwards SIGTERM to the command). */
export function terminate(h: ProcessHandle): void {
  if (procStartTime(h.pid) === h.startTime) signal(h.pid, 'SIGTERM');
}

/** Kills the container's whole process group. */
export function kill(h: ProcessHandle): void {
  if (procStartTime(h.pid) === h.startTime || procStartTime(h.pid) === undefined) signal(-h.pid, 'SIGKILL');
}

/** kubelet's reason for a terminated container. */
export function terminatedReason(exitCode: number): 'Completed' | 'Error' {
  return exitCode === 0 ? 'Completed' : 'Error';
}
