/**
 * Field sets as structured-merge-diff's fieldpath package models them: a trie of path elements
 * (`f:name`, `k:{"name":"c"}`, `v:"x"`, `i:0`) whose nodes may be members, serialised as metav1
 * FieldsV1 (`.` marks a member that also has children) and printed as `.spec.containers[name="c"]`.
 */

/** One path element in its FieldsV1 spelling, e.g. `f:spec` or `k:{"name":"c"}`. */
export type PathElement = string;
/** A path from the object root. */
export type Path = readonly PathElement[];

/**
 * A set of field paths (members), stored as a trie. A set is not changed once built (insert is for
 * building one): union and difference share the subtrees they leave alone with their operands.
 */
export class FieldSet {
  readonly members = new Set<PathElement>();
  readonly children = new Map<PathElement, FieldSet>();

  /** Adds `path` as a member. */
  insert(path: Path): void {
    const last = path.length - 1;
    if (last < 0) return;
    if (last === 0) {
      this.members.add(path[0] as PathElement);
      return;
    }
    let node = this.child(path[0] as PathElement);
    for (let i = 1; i < last; i++) node = node.child(path[i] as PathElement);
    node.members.add(path[last] as PathElement);
  }

  private child(pe: PathElement): FieldSet {
    let c = this.children.get(pe);
    if (!c) {
      c = new FieldSet();
      this.children.set(pe, c);
    }
    return c;
  }

  has(path: Path): boolean {
    const last = path.length - 1;
    if (last < 0) return false;
    if (last === 0) return this.members.has(path[0] as PathElement);
    let node = this.children.get(path[0] as PathElement);
    for (let i = 1; i < last && node; i++) node = node.children.get(path[i] as PathElement);
    return node?.members.has(path[last] as PathElement) ?? false;
  }

  /** True when `path` or anything below it is a member. */
  hasPrefix(path: Path): boolean {
    const last = path.length - 1;
    if (last < 0) return !this.empty();
    if (last === 0 && this.members.has(path[0] as PathElement)) return true;
    let node = this.children.get(path[0] as PathElement);
    for (let i = 1; i <= last && node; i++) {
      if (i === last && node.members.has(path[i] as PathElement)) return true;
      node = node.children.get(path[i] as PathElement);
    }
    return node !== undefined && !node.empty();
  }

  empty(): boolean {
    if (this.members.size > 0) return false;
    for (const c of this.children.values()) if (!c.empty()) return false;
    return true;
  }

  union(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const m of this.members) out.members.add(m);
    for (const m of o.members) out.members.add(m);
    for (const [pe, c] of this.children) out.children.set(pe, c);
    for (const [pe, c] of o.children) {
      const mine = this.children.get(pe);
      out.children.set(pe, mine ? mine.union(c) : c);
    }
    return out;
  }

  /** Members of this set that are not members of `o` (children compared element by element). */
  difference(o: FieldSet): FieldSet {
    return this.subtract(o, false);
  }

  /** Like difference, but a member of `o` also removes everything below it. */
  recursiveDifference(o: FieldSet): FieldSet {
    return this.subtract(o, true);
  }

  private subtract(o: FieldSet, recursive: boolean): FieldSet {
    const out = new FieldSet();
    for (const m of this.members) if (!o.members.has(m)) out.members.add(m);
    for (const [pe, c] of this.children) {
      if (recursive && o.members.has(pe)) continue;
      const oc = o.children.get(pe);
      const d = oc ? c.subtract(oc, recursive) : c;
      if (!d.empty()) out.children.set(pe, d);
    }
    return out;
  }

  intersection(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const m of this.members) if (o.members.has(m)) out.members.add(m);
    for (const [pe, c] of this.children) {
      const oc = o.children.get(pe);
      if (!oc) continue;
      const i = c.intersection(oc);
      if (!i.empty()) out.children.set(pe, i);
    }
    return out;
  }

  clone(): FieldSet {
    const out = new FieldSet();
    for (const m of this.members) out.members.add(m);
    for (const [pe, c] of this.children) out.children.set(pe, c.clone());
    return out;
  }

  /** Every member path, members of a node before its children, each level in sorted order. */
  paths(prefix: Path = []): PathElement[][] {
    const out: PathElement[][] = [];
    for (const m of [...this.members].sort(comparePE)) out.push([...prefix, m]);
    for (const pe of [...this.children.keys()].sort(comparePE)) out.push(...(this.children.get(pe) as FieldSet).paths([...prefix, pe]));
    return out;
  }

  /** metav1.FieldsV1 (the JSON object stored in managedFields). */
  toFieldsV1(): Record<string, unknown> {
    return this.encode(false) ?? {};
  }

  /**
   * This node's FieldsV1 entries, after a `.` when `dot` (a member with children), or undefined when
   * it has none (written straight into the object its parent stores: no copy for the `.`).
   */
  private encode(dot: boolean): Record<string, unknown> | undefined {
    const keys: PathElement[] = [];
    for (const m of this.members) keys.push(m);
    for (const pe of this.children.keys()) if (!this.members.has(pe)) keys.push(pe);
    if (keys.length === 0) return undefined;
    if (keys.length > 1) keys.sort(comparePE);
    const out: Record<string, unknown> = dot ? { '.': {} } : {};
    for (const pe of keys) {
      const c = this.children.get(pe);
      out[pe] = (c && c.encode(this.members.has(pe))) ?? {};
    }
    return out;
  }

  /** True when this set shares a member with the set a canonical FieldsV1 object encodes (without decoding it). */
  intersectsFieldsV1(v: Readonly<Record<string, unknown>>): boolean {
    for (const m of this.members) {
      const sub = Object.prototype.hasOwnProperty.call(v, m) ? v[m] : undefined;
      if (typeof sub === 'object' && sub !== null && (Object.keys(sub).length === 0 || '.' in sub)) return true;
    }
    for (const [pe, c] of this.children) {
      const sub = Object.prototype.hasOwnProperty.call(v, pe) ? v[pe] : undefined;
      if (typeof sub === 'object' && sub !== null && c.intersectsFieldsV1(sub as Record<string, unknown>)) return true;
    }
    return false;
  }

  /** True when this set and `o` share a member (cheaper than intersection(o).empty()). */
  intersects(o: FieldSet): boolean {
    for (const m of this.members) if (o.members.has(m)) return true;
    for (const [pe, c] of this.children) {
      const oc = o.children.get(pe);
      if (oc && c.intersects(oc)) return true;
    }
    return false;
  }

  static fromFieldsV1(v: unknown): FieldSet {
    const s = new FieldSet();
    if (typeof v !== 'object' || v === null) return s;
    for (const [pe, sub] of Object.entries(v as Record<string, unknown>)) {
      if (pe === '.') continue;
      const subObj = (typeof sub === 'object' && sub !== null ? sub : {}) as Record<string, unknown>;
      const keys = Object.keys(subObj);
      if (keys.length === 0 || '.' in subObj) s.members.add(pe);
      const c = FieldSet.fromFieldsV1(subObj);
      if (!c.empty()) s.children.set(pe, c);
    }
    return s;
  }

  static of(...paths: Path[]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }
}

/** f, k, v, i, then anything else (char codes: f 102, k 107, v 118, i 105). */
function typeRank(pe: PathElement): number {
  switch (pe.charCodeAt(0)) {
    case 102:
      return 0;
    case 107:
      return 1;
    case 118:
      return 2;
    case 105:
      return 3;
    default:
      return 4;
  }
}

/** PathElement ordering: by kind, then by text (stable, deterministic FieldsV1 output). */
export function comparePE(a: PathElement, b: PathElement): number {
  return typeRank(a) - typeRank(b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** A field name element. */
export const field = (name: string): PathElement => `f:${name}`;
/** A list-map key element: the key fields sorted by name, as JSON. */
export function keyOf(fields: Readonly<Record<string, unknown>>): PathElement {
  const sorted = Object.keys(fields).sort();
  return `k:{${sorted.map((k) => `${JSON.stringify(k)}:${JSON.stringify(fields[k])}`).join(',')}}`;
}
/** A set element. */
export const valueOf = (v: unknown): PathElement => `v:${JSON.stringify(v)}`;

/** fieldpath.Path.String(): `.spec.containers[name="c"].image`, `[=\"x\"]` for set values. */
export function pathString(path: Path): string {
  return path
    .map((pe) => {
      const body = pe.slice(2);
      switch (pe.charAt(0)) {
        case 'f':
          return `.${body}`;
        case 'v':
          return `[=${body}]`;
        case 'i':
          return `[${body}]`;
        case 'k': {
          const obj = JSON.parse(body) as Record<string, unknown>;
          return `[${Object.entries(obj)
            .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
            .join(',')}]`;
        }
        default:
          return '{{invalid path element}}';
      }
    })
    .join('');
}
