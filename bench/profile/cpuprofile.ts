/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): the top functions by self time and by
 * total (inclusive) time, and self time per file, so a profile of `up` under load can be read
 * without DevTools. Pure functions here; the CLI is bench/profile/summarise.ts.
 */

/** The part of a .cpuprofile this reads. */
export interface CpuProfile {
  readonly nodes: readonly { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: readonly number[] }[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
  readonly startTime: number;
  readonly endTime: number;
}

/** One row of a summary: a function (or file) and its time in ms. */
export interface Row {
  readonly name: string;
  readonly ms: number;
}

/** What a profile's time went to. */
export interface Summary {
  /** Wall time the profile spans. */
  readonly wallMs: number;
  /** Sampled time not idle: JavaScript, GC and native work on the main thread. */
  readonly busyMs: number;
  readonly gcMs: number;
  readonly selfByFunction: readonly Row[];
  readonly totalByFunction: readonly Row[];
  readonly selfByFile: readonly Row[];
}

/** Ticks V8 records while the thread waits (not work). */
const IDLE = new Set(['(idle)', '(root)']);

/** A file's URL shortened to its path under dist/ or src/, or node_modules/<pkg>/..., or node:*. */
export function shortFile(url: string): string {
  if (url === '') return '(native)';
  const p = url.replace(/^file:\/\//, '');
  const nm = p.lastIndexOf('/node_modules/');
  if (nm >= 0) return p.slice(nm + 1);
  const m = /\/(dist|src|bench|test)\/(.*)$/.exec(p);
  return m ? `${m[1]}/${m[2]}` : p;
}

const top = (m: Map<string, number>, n: number): Row[] =>
  [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([name, us]) => ({ name, ms: Math.round(us / 1000) }));

/** The profile's nodes by id and each node's parent id. */
function tree(p: CpuProfile): { byId: Map<number, CpuProfile['nodes'][number]>; parent: Map<number, number> } {
  const byId = new Map(p.nodes.map((x) => [x.id, x]));
  const parent = new Map<number, number>();
  for (const x of p.nodes) for (const c of x.children ?? []) parent.set(c, x.id);
  return { byId, parent };
}

/** Seconds since the profile's start that a summary covers. */
export interface Window {
  readonly fromS?: number;
  readonly toS?: number;
}

/** Each sample's time since the profile's start, in seconds. */
function sampleTimes(p: CpuProfile): number[] {
  let t = 0;
  return p.samples.map((_, i) => (t += p.timeDeltas[i] ?? 0) / 1e6);
}

/** Busy (not idle) ms per `bucketS` seconds of the profile: where the work was, to pick a window. */
export function timeline(p: CpuProfile, bucketS = 5): number[] {
  const { byId } = tree(p);
  const at = sampleTimes(p);
  const out: number[] = [];
  p.samples.forEach((id, i) => {
    if (IDLE.has(byId.get(id)?.callFrame.functionName ?? '')) return;
    const b = Math.floor((at[i] ?? 0) / bucketS);
    while (out.length <= b) out.push(0);
    out[b] = (out[b] ?? 0) + (p.timeDeltas[i + 1] ?? 0) / 1000;
  });
  return out.map(Math.round);
}

/** Summarises `p` (the samples within `w`), keeping the `n` largest rows of each table. */
export function summarise(p: CpuProfile, n = 10, w: Window = {}): Summary {
  const { byId, parent } = tree(p);
  const fnKey = (id: number): string => {
    const f = byId.get(id)?.callFrame;
    if (!f) return '?';
    return f.url === '' ? f.functionName : `${f.functionName || '(anonymous)'} ${shortFile(f.url)}:${f.lineNumber + 1}`;
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const files = new Map<string, number>();
  let busy = 0;
  let gc = 0;
  const at = sampleTimes(p);
  const inWindow = (i: number): boolean => (at[i] ?? 0) >= (w.fromS ?? 0) && (at[i] ?? 0) < (w.toS ?? Infinity);
  p.samples.forEach((id, i) => {
    if (!inWindow(i)) return;
    const dt = p.timeDeltas[i + 1] ?? 0; // a sample's delta is the time until the next one
    const node = byId.get(id);
    const name = node?.callFrame.functionName ?? '';
    if (IDLE.has(name)) return;
    busy += dt;
    if (name === '(garbage collector)') gc += dt;
    const key = fnKey(id);
    self.set(key, (self.get(key) ?? 0) + dt);
    const file = node?.callFrame.url ? shortFile(node.callFrame.url) : name;
    files.set(file, (files.get(file) ?? 0) + dt);
    const seen = new Set<string>();
    for (let at: number | undefined = id, guard = 0; at !== undefined && guard < 10_000; at = parent.get(at), guard++) {
      const k = fnKey(at);
      if (seen.has(k) || IDLE.has(byId.get(at)?.callFrame.functionName ?? '')) continue;
      seen.add(k);
      total.set(k, (total.get(k) ?? 0) + dt);
    }
  });
  const span = (p.endTime - p.startTime) / 1000;
  return {
    wallMs: Math.round(Math.min(span, (w.toS ?? Infinity) * 1000) - Math.min(span, (w.fromS ?? 0) * 1000)),
    busyMs: Math.round(busy / 1000),
    gcMs: Math.round(gc / 1000),
    selfByFunction: top(self, n),
    totalByFunction: top(total, n),
    selfByFile: top(files, n),
  };
}

/**
 * For samples spent in functions named `leaf` (or in their callees), the nearest `depth` frames of
 * project code (dist/, src/) above them, with their time: who makes, say, `writev` busy.
 */
export function appCallers(p: CpuProfile, leaf: string, n = 10, depth = 2): Row[] {
  const { byId, parent } = tree(p);
  const out = new Map<string, number>();
  p.samples.forEach((id, i) => {
    const dt = p.timeDeltas[i + 1] ?? 0;
    let hit = false;
    const app: string[] = [];
    for (let at: number | undefined = id, guard = 0; at !== undefined && guard < 10_000 && app.length < depth; at = parent.get(at), guard++) {
      const f = byId.get(at)?.callFrame;
      if (!f) break;
      if (f.functionName === leaf) hit = true;
      else if (hit && /\/(dist|src)\//.test(f.url) && !f.url.includes('/node_modules/')) app.push(`${f.functionName || '(anonymous)'} ${shortFile(f.url)}:${f.lineNumber + 1}`);
    }
    if (!hit) return;
    const key = app.join(' < ') || '(no project frame)';
    out.set(key, (out.get(key) ?? 0) + dt);
  });
  return top(out, n);
}
