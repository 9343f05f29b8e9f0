/**
 * builtinTable: the meta.k8s.io Table kube-apiserver returns for `kubectl get` on a built-in
 * kind (its printer's columns and cells), and the Name/Created At default for kinds without one.
 */
import type { KubeObject } from '../../../../api/meta/index.js';
import type { ResourceInfo, TableColumnDefinition, TableRow } from '../../contracts.js';
import type { Obj } from '../util.js';
import { clusterPrinters } from './cluster.js';
import { CREATED_AT_COLUMN, metaOf, NAME_COLUMN, nameOf } from './columns.js';
import { corePrinters, type Printer } from './core.js';
import { podColumns, podRow } from './pods.js';
import { networkingPrinters } from './networking.js';
import { workloadPrinters } from './workloads.js';

const defaultPrinter: Printer = {
  columns: [NAME_COLUMN, CREATED_AT_COLUMN],
  row: (o) => [nameOf(o), metaOf(o).creationTimestamp ?? null],
};

function printerFor(info: Pick<ResourceInfo, 'group' | 'kind'>): Printer {
  if (info.group === '' && info.kind === 'Pod') return { columns: podColumns, row: podRow };
  if (info.group === '') return corePrinters[info.kind] ?? defaultPrinter;
  if (info.group === 'events.k8s.io' && info.kind === 'Event') return corePrinters.Event!;
  const key = `${info.group}/${info.kind}`;
  return workloadPrinters[key] ?? clusterPrinters[key] ?? networkingPrinters[key] ?? defaultPrinter;
}

/** Column definitions and one row per object (cells as kube-apiserver fills them; `now` in ms for ages). */
export function builtinTable(
  info: Pick<ResourceInfo, 'group' | 'kind'>,
  objects: readonly KubeObject[],
  now: number = Date.now(),
): { columnDefinitions: TableColumnDefinition[]; rows: TableRow[] } {
  const printer = printerFor(info);
  return {
    columnDefinitions: printer.columns.map((c) => ({ ...c })),
    rows: objects.map((o) => ({ cells: printer.row(o as Obj, now), object: o })),
  };
}
