/**
 * `as=Table` output for `kubectl get`: the resource's printer (built-in or CRD printer columns)
 * or the default NAME / AGE columns; rows carry PartialObjectMetadata unless asked otherwise.
 */
import type { KubeObject, ListMeta } from '../../../api/meta/index.js';
import type { PrinterColumn, TableColumnDefinition, TableRow } from '../contracts.js';
import type { Printer } from '../registry/hooks.js';

/** metav1.Table */
export interface Table {
  apiVersion: 'meta.k8s.io/v1';
  kind: 'Table';
  metadata: ListMeta;
  columnDefinitions: TableColumnDefinition[];
  rows: TableRow[];
}

/** includeObject query parameter. */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** Human-readable age, as k8s.io/apimachinery/pkg/util/duration.HumanDuration prints it. */
export function humanDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (h < 192) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  if (h < 24 * 365 * 2) return `${d}d`;
  const y = Math.floor(d / 365);
  if (y < 8) return d % 365 === 0 ? `${y}y` : `${y}y${d % 365}d`;
  return `${y}y`;
}

/** Age of an object from its creationTimestamp ("<unknown>" when absent). */
export function ageOf(obj: KubeObject, now: Date): string {
  const ts = obj.metadata?.creationTimestamp;
  if (!ts) return '<unknown>';
  return humanDuration(now.getTime() - Date.parse(ts));
}

/**
 * Evaluates the JSONPath subset printer columns use: `.a.b`, `[0]`, `['key']`, `[*]` and
 * `[?(@.type=="Ready")]`. Returns every match.
 */
export function evalJsonPath(obj: unknown, path: string): unknown[] {
  let p = path.trim();
  if (p.startsWith('{') && p.endsWith('}')) p = p.slice(1, -1);
  if (p.startsWith('$')) p = p.slice(1);
  const tokens = p.match(/\.[^.[\]]+|\[\?\(@\.[^)]*\)\]|\[[^\]]*\]/g) ?? [];
  let cur: unknown[] = [obj];
  for (const t of tokens) {
    const next: unknown[] = [];
    for (const v of cur) {
      if (v === null || v === undefined) continue;
      if (t.startsWith('.')) {
        if (typeof v === 'object' && !Array.isArray(v)) next.push((v as Record<string, unknown>)[t.slice(1)]);
      } else if (t.startsWith('[?(')) {
        const m = /^\[\?\(@\.([\w.-]+)\s*==\s*["']?([^"']*)["']?\)\]$/.exec(t);
        if (m && Array.isArray(v)) {
          for (const el of v) if (String(evalJsonPath(el, `.${m[1]}`)[0]) === m[2]) next.push(el);
        }
      } else {
        const inner = t.slice(1, -1).replace(/^['"]|['"]$/g, '');
        if (inner === '*') {
          if (Array.isArray(v)) next.push(...(v as unknown[]));
          else if (typeof v === 'object') next.push(...Object.values(v));
        } else if (Array.isArray(v) && /^-?\d+$/.test(inner)) {
          const i = Number(inner);
          next.push(v[i < 0 ? v.length + i : i]);
        } else if (typeof v === 'object' && !Array.isArray(v)) next.push((v as Record<string, unknown>)[inner]);
      }
    }
    cur = next.filter((x) => x !== undefined);
  }
  return cur;
}

const nameColumn: TableColumnDefinition = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated.',
  priority: 0,
};
const ageColumn: TableColumnDefinition = {
  name: 'Age',
  type: 'date',
  format: '',
  description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
  priority: 0,
};

/** The default printer: NAME and AGE. */
export function defaultPrinter(now: () => Date): Printer {
  return { columns: [nameColumn, ageColumn], cells: (o) => [o.metadata?.name ?? '', ageOf(o, now())] };
}

/** A printer built from CRD additionalPrinterColumns (NAME first; date columns shown as ages). */
export function crdPrinter(cols: readonly PrinterColumn[], now: () => Date): Printer {
  if (cols.length === 0) return defaultPrinter(now);
  const columns: TableColumnDefinition[] = [
    nameColumn,
    ...cols.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.description ?? '', priority: c.priority ?? 0 })),
  ];
  return {
    columns,
    cells: (o) => [
      o.metadata?.name ?? '',
      ...cols.map((c) => {
        const vals = evalJsonPath(o, c.jsonPath);
        if (vals.length === 0) return null;
        const v = vals.length === 1 ? vals[0] : vals.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x as string | number | boolean))).join(',');
        if (c.type === 'date' && typeof v === 'string') return humanDuration(now().getTime() - Date.parse(v));
        if (typeof v === 'object' && v !== null) return JSON.stringify(v);
        return v;
      }),
    ],
  };
}

function rowObject(obj: KubeObject, include: IncludeObject): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return obj;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

/** Converts objects into a Table with the given printer. */
export function toTable(printer: Printer, objs: readonly KubeObject[], meta: ListMeta, include: IncludeObject, withColumns = true): Table {
  return {
    apiVersion: 'meta.k8s.io/v1',
    kind: 'Table',
    metadata: meta,
    columnDefinitions: withColumns ? [...printer.columns] : [],
    rows: objs.map((o) => ({ cells: printer.cells(o), object: rowObject(o, include) })),
  };
}
