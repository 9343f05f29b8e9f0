/**
 * Building blocks of built-in tables: column definitions, the Name/Age/Created At columns every
 * printer starts or ends with, and the formatting helpers several printers share.
 */
import type { TableColumnDefinition } from '../../contracts.js';
import { arr, rec, str, type Obj } from '../util.js';
import { translateTimestampSince } from './duration.js';

/** One column definition; `priority` 1 marks a column kubectl shows only with -o wide. */
export function col(name: string, description: string, opts: { type?: string; format?: string; priority?: number } = {}): TableColumnDefinition {
  return { name, type: opts.type ?? 'string', format: opts.format ?? '', description, priority: opts.priority ?? 0 };
}

export const NAME_COLUMN = col('Name', 'Name must be unique within a namespace. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names', { format: 'name' });
export const AGE_COLUMN = col('Age', 'CreationTimestamp is a timestamp representing the server time when this object was created.');
export const CREATED_AT_COLUMN = col('Created At', 'CreationTimestamp is a timestamp representing the server time when this object was created.', { format: 'date' });

/** Lists every printer uses with wide workload tables. */
export const wide = (name: string, description: string): TableColumnDefinition => col(name, description, { priority: 1 });

/** The object's metadata as a record. */
export const metaOf = (o: Obj): Obj => rec(o.metadata) ?? {};
/** metadata.name (or ""). */
export const nameOf = (o: Obj): string => str(metaOf(o).name) ?? '';
/** The AGE cell of an object. */
export const ageOf = (o: Obj, now: number): string => translateTimestampSince(metaOf(o).creationTimestamp, now);

/** labels.FormatLabels: "a=b,c=d" sorted by key, "<none>" when empty. */
export function formatLabels(labels: unknown): string {
  const entries = Object.entries(rec(labels) ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.length === 0 ? '<none>' : entries.map(([k, v]) => `${k}=${String(v)}`).join(',');
}

/** metav1.FormatLabelSelector: "app=a,tier in (x,y),!gone", "<none>" when empty. */
export function formatLabelSelector(selector: unknown): string {
  const s = rec(selector);
  if (!s) return '<none>';
  const parts = Object.entries(rec(s.matchLabels) ?? {}).map(([k, v]) => `${k}=${String(v)}`);
  for (const raw of arr(s.matchExpressions)) {
    const e = rec(raw) ?? {};
    const key = str(e.key) ?? '';
    const values = arr(e.values).map(String).sort();
    switch (e.operator) {
      case 'In':
        parts.push(`${key} in (${values.join(',')})`);
        break;
      case 'NotIn':
        parts.push(`${key} notin (${values.join(',')})`);
        break;
      case 'Exists':
        parts.push(key);
        break;
      case 'DoesNotExist':
        parts.push(`!${key}`);
        break;
      default:
        parts.push(`${key} ${String(e.operator)}`);
    }
  }
  const out = parts.join(',');
  return out === '' ? '<none>' : out;
}

/** Container names and images of a pod template spec, for the wide CONTAINERS/IMAGES columns. */
export function containersAndImages(podSpec: unknown): [string, string] {
  const containers = arr(rec(podSpec)?.containers).map((c) => rec(c) ?? {});
  return [containers.map((c) => str(c.name) ?? '').join(','), containers.map((c) => str(c.image) ?? '').join(',')];
}

/** A number field, 0 when missing (Go's zero value). */
export const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
