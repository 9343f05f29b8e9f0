/**
 * Memory of the processes behind one VM, read from /proc: RSS and PSS per process (PSS splits
 * shared library pages between the processes mapping them, so it is what one more VM costs), and
 * the part of QEMU's RSS that is guest RAM (its largest anonymous mapping of the guest's size).
 */
import { readdirSync, readFileSync } from 'node:fs';

/** One process's memory in KiB. */
export interface ProcMemory {
  readonly pid: number;
  readonly comm: string;
  readonly rssKiB: number;
  readonly pssKiB: number;
}

const field = (text: string, name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);

/** RSS and PSS of `pid` (0 when it is gone). */
export function procMemory(pid: number): ProcMemory {
  try {
    const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    return { pid, comm, rssKiB: field(rollup, 'Rss'), pssKiB: field(rollup, 'Pss') };
  } catch {
    return { pid, comm: '?', rssKiB: 0, pssKiB: 0 };
  }
}

/** Parent pid of every process, for walking trees. */
function parents(): Map<number, number> {
  const out = new Map<number, number>();
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      out.set(Number(p), ppid);
    } catch { /* gone */ }
  }
  return out;
}

/** `root` and all its descendants. */
export function processTree(root: number): number[] {
  const pp = parents();
  const tree = [root];
  for (let i = 0; i < tree.length; i++) for (const [pid, ppid] of pp) if (ppid === tree[i]) tree.push(pid);
  return tree;
}

/** Resident KiB of QEMU's guest RAM: the largest mapping whose size is the guest's memory (to within 4 MiB). */
export function guestRamResidentKiB(qemuPid: number, guestKiB: number): number {
  let best = 0;
  let size = 0;
  for (const line of readFileSync(`/proc/${qemuPid}/smaps`, 'utf8').split('\n')) {
    if (line.startsWith('Size:')) size = Number(/(\d+)/.exec(line)?.[1] ?? 0);
    else if (line.startsWith('Rss:') && size >= guestKiB && size <= guestKiB + 4096) best = Math.max(best, Number(/(\d+)/.exec(line)?.[1] ?? 0));
  }
  return best;
}

/** User + system CPU seconds a process has used. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}
