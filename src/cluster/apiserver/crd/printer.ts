/**
 * Table output for custom resources as kube-apiserver builds it: a Name column, then one column
 * per printer column whose cell is the first JSONPath result converted by the column's type.
 * `date` cells carry the RFC 3339 timestamp; the caller renders it as an age ("5m") at response time.
 */
import type { KubeObject } from '../../../api/meta/index.js';
import type { PrinterColumn, TableColumnDefinition } from '../contracts.js';
import { compileJSONPath } from './jsonpath.js';

const nameDescription =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';

/** Go's fmt rendering of a decoded JSON value (what JSONPath printing shows for non-strings). */
export function goFormat(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goFormat).join(' ')}]`;
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `map[${entries.map(([k, x]) => `${k}:${goFormat(x)}`).join(' ')}]`;
  }
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function isTimestamp(s: string): boolean {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s));
}

/** A cell value for `value` in a column of `type` (cellForJSONValue); null when absent or of the wrong kind. */
export function cellFor(type: string, value: unknown): unknown {
  if (value === undefined || value === null) return null;
  switch (type) {
    case 'string':
      return typeof value === 'string' ? value : goFormat(value);
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'date':
      if (typeof value !== 'string') return null;
      return isTimestamp(value) ? value : '<invalid>';
    default:
      return null;
  }
}

/** Evaluates one printer column against an object. */
export function columnCell(column: PrinterColumn, obj: KubeObject): unknown {
  let results: unknown[];
  try {
    results = compileJSONPath(column.jsonPath)(obj);
  } catch {
    return null;
  }
  return cellFor(column.type, results[0]);
}

/** Table column definitions: Name, then the printer columns. */
export function tableColumns(columns: readonly PrinterColumn[]): TableColumnDefinition[] {
  return [
    { name: 'Name', type: 'string', format: 'name', description: nameDescription, priority: 0 },
    ...columns.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.description ?? '', priority: c.priority ?? 0 })),
  ];
}

/** The cells of one row matching tableColumns(columns): the object's name, then each column's cell. */
export function tableCells(columns: readonly PrinterColumn[], obj: KubeObject): unknown[] {
  return [obj.metadata?.name ?? '', ...columns.map((c) => columnCell(c, obj))];
}
