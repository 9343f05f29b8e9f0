/**
 * `kubectl exec` on the node: runs a command inside a running container's namespaces (nsenter
 * into the pod sandbox's mount and network namespaces, the container's env and working dir,
 * chrooted into its image rootfs when it has one), optionally on a pseudo-terminal.
 * User data travels only as environment variables read by a fixed shell text.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import { run } from './procs.js';

/**
 * Rebuilds "$@" from KVTS_ARG_<i> (eval only ever sees `a=${KVTS_ARG_<digits>}`), then runs it
 * in the container's working dir, or chrooted into its rootfs.
 */
const EXEC_SCRIPT = [
  'i=0; set --',
  'while [ "$i" -lt "${KVTS_ARGC:-0}" ]; do eval "a=\\${KVTS_ARG_$i}"; unset "KVTS_ARG_$i"; set -- "$@" "$a"; i=$((i+1)); done',
  'wd=$KVTS_WD; root=$KVTS_ROOT; unset KVTS_ARGC KVTS_WD KVTS_ROOT a i',
  'if [ -n "$root" ]; then exec unshare --root="$root" --wd="${wd:-/}" -- "$@"; fi',
  'cd "${wd:-/}" 2>/dev/null; exec "$@"',
].join('\n');

/** Where and how a container runs, as recorded when the agent started it. */
export interface ContainerRuntime {
  readonly sandboxPid: number;
  readonly env: Readonly<Record<string, string>>;
  readonly workingDir: string;
  readonly rootfs?: string;
}

export interface ExecRequest {
  readonly command: readonly string[];
  readonly stdin: boolean;
  readonly tty: boolean;
}

/** The argv and environment of an exec (pure; exported for tests). */
export function execInvocation(rt: ContainerRuntime, req: ExecRequest): { argv: string[]; env: Record<string, string> } {
  const env: Record<string, string> = { ...rt.env, KVTS_ARGC: String(req.command.length), KVTS_WD: rt.workingDir, KVTS_ROOT: rt.rootfs ?? '' };
  req.command.forEach((a, i) => (env[`KVTS_ARG_${i}`] = a));
  const enter = ['nsenter', '-t', String(rt.sandboxPid), '-m', '-n', '--'];
  if (!req.tty) return { argv: [...enter, '/bin/sh', '-c', EXEC_SCRIPT], env };
  env.TERM ??= 'xterm';
  // script(1) puts the command on a new pseudo-terminal; -e returns the command's exit code.
  return { argv: [...enter, 'script', '-q', '-e', '-E', 'never', '-c', EXEC_SCRIPT, '/dev/null'], env: { ...env, SHELL: '/bin/sh' } };
}

/** Starts the exec'd process in its own process group (killed as a whole on disconnect). */
export function startExec(rt: ContainerRuntime, req: ExecRequest): ChildProcess {
  const { argv, env } = execInvocation(rt, req);
  return spawn(argv[0] ?? 'nsenter', argv.slice(1), { env, detached: true, stdio: [req.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
}

/** Kills an exec'd process group. */
export function killExec(child: ChildProcess): void {
  if (child.pid && child.exitCode === null) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** The pseudo-terminal a tty exec's command runs on (found below the script process), if any yet. */
export function ttyOf(rootPid: number): string | undefined {
  const queue = [rootPid];
  for (let n = 0; n < 16 && queue.length; n++) {
    const pid = queue.shift() ?? 0;
    try {
      const t = readlinkSync(`/proc/${pid}/fd/0`);
      if (t.startsWith('/dev/pts/')) return t;
    } catch {
      // not ours or gone
    }
    queue.push(...childrenOf(pid));
  }
  return undefined;
}

/** Sets the window size of a tty exec (the kernel sends SIGWINCH to its foreground group). */
export async function resizeTty(rootPid: number, size: { Width: number; Height: number }): Promise<void> {
  const w = Math.trunc(size.Width);
  const h = Math.trunc(size.Height);
  if (!(w > 0 && h > 0 && w < 10_000 && h < 10_000)) return;
  for (let i = 0; i < 20; i++) {
    const tty = ttyOf(rootPid);
    if (tty) {
      await run(['stty', '-F', tty, 'rows', String(h), 'cols', String(w)]).catch(() => undefined);
      return;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}
