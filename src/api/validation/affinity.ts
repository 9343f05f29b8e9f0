/**
 * spec.affinity rules, as upstream's validateSpecAffinity (a copy of Kubernetes' pod affinity
 * validation): node selector terms and requirements, preferred-term weights, pod (anti-)affinity
 * terms (label selectors, namespaces, topologyKey). Each problem becomes a FieldValueInvalid cause
 * whose message is the whole Kubernetes field error text (`<field>: Required value: ...`).
 */
import { fieldErrorMessage, forbidden, invalid, required, type FieldError, type FieldPath } from '../meta/index.js';
import type { Affinity } from '../kubevirt/core.js';
import { dns1123LabelErrors, dns1123SubdomainErrors } from './cause.js';

interface Requirement { key?: string; operator?: string; values?: string[] }
interface NodeSelectorTerm { matchExpressions?: Requirement[]; matchFields?: Requirement[] }
interface Selector { matchLabels?: Record<string, string>; matchExpressions?: Requirement[] }
interface PodAffinityTerm { labelSelector?: Selector; namespaceSelector?: Selector; namespaces?: string[]; topologyKey?: string }
interface WeightedPodAffinityTerm { weight?: number; podAffinityTerm?: PodAffinityTerm }
interface PodAffinity { requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTerm[]; preferredDuringSchedulingIgnoredDuringExecution?: WeightedPodAffinityTerm[] }
interface NodeAffinity {
  requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: NodeSelectorTerm[] };
  preferredDuringSchedulingIgnoredDuringExecution?: { weight?: number; preference?: NodeSelectorTerm }[];
}

const QUALIFIED_NAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const qualifiedNameRe = new RegExp(`^${QUALIFIED_NAME_FMT}$`);
const LABEL_VALUE_FMT = `(${QUALIFIED_NAME_FMT})?`;
const labelValueRe = new RegExp(`^${LABEL_VALUE_FMT}$`);

/** apimachinery's IsQualifiedName: the problems of a label key or topology key (empty when valid). */
export function qualifiedNameErrors(value: string): string[] {
  const parts = value.split('/');
  let name = parts[0] ?? '';
  const errs: string[] = [];
  if (parts.length === 2) {
    const prefix = parts[0] ?? '';
    name = parts[1] ?? '';
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else errs.push(...dns1123SubdomainErrors(prefix).map((m) => `prefix part ${m}`));
  } else if (parts.length > 2) {
    return [
      "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character " +
        `(e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '${QUALIFIED_NAME_FMT}') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push('name part must be no more than 63 characters');
  if (name.length > 0 && !qualifiedNameRe.test(name)) {
    errs.push(
      "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character " +
        `(e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '${QUALIFIED_NAME_FMT}')`,
    );
  }
  return errs;
}

/** apimachinery's IsValidLabelValue (empty when valid). */
function labelValueErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push('must be no more than 63 characters');
  if (!labelValueRe.test(value)) {
    errs.push(
      "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character " +
        `(e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '${LABEL_VALUE_FMT}')`,
    );
  }
  return errs;
}

const labelName = (key: string, f: FieldPath): FieldError[] => qualifiedNameErrors(key).map((m) => invalid(f, key, m));

function nodeSelectorRequirement(rq: Requirement, f: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const n = rq.values?.length ?? 0;
  switch (rq.operator ?? '') {
    case 'In':
    case 'NotIn':
      if (n === 0) errs.push(required(f.child('values'), "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (n > 0) errs.push(forbidden(f.child('values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    case 'Gt':
    case 'Lt':
      if (n !== 1) errs.push(required(f.child('values'), "must be specified single value when `operator` is 'Lt' or 'Gt'"));
      break;
    default:
      errs.push(invalid(f.child('operator'), rq.operator ?? '', 'not a valid selector operator'));
  }
  return [...errs, ...labelName(rq.key ?? '', f.child('key'))];
}

function nodeFieldRequirement(rq: Requirement, f: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (rq.operator === 'In' || rq.operator === 'NotIn') {
    if (rq.values?.length !== 1) errs.push(required(f.child('values'), "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"));
  } else errs.push(invalid(f.child('operator'), rq.operator ?? '', 'not a valid selector operator'));
  if (rq.key !== 'metadata.name') errs.push(invalid(f.child('key'), rq.key ?? '', 'not a valid field selector key'));
  else (rq.values ?? []).forEach((v, i) => errs.push(...dns1123SubdomainErrors(v).map((m) => invalid(f.child('values').index(i), v, m))));
  return errs;
}

function nodeSelectorTerm(term: NodeSelectorTerm | undefined, f: FieldPath): FieldError[] {
  return [
    ...(term?.matchExpressions ?? []).flatMap((rq, j) => nodeSelectorRequirement(rq, f.child('matchExpressions').index(j))),
    ...(term?.matchFields ?? []).flatMap((rq, j) => nodeFieldRequirement(rq, f.child('matchFields').index(j))),
  ];
}

const weight = (w: number | undefined, f: FieldPath): FieldError[] =>
  w === undefined || w <= 0 || w > 100 ? [invalid(f.child('weight'), w ?? 0, 'must be in the range 1-100')] : [];

function nodeAffinity(na: NodeAffinity, f: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const req = na.requiredDuringSchedulingIgnoredDuringExecution;
  if (req) {
    const tf = f.child('requiredDuringSchedulingIgnoredDuringExecution', 'nodeSelectorTerms');
    if ((req.nodeSelectorTerms ?? []).length === 0) errs.push(required(tf, 'must have at least one node selector term'));
    else req.nodeSelectorTerms!.forEach((t, i) => errs.push(...nodeSelectorTerm(t, tf.index(i))));
  }
  (na.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((t, i) => {
    const tf = f.child('preferredDuringSchedulingIgnoredDuringExecution').index(i);
    errs.push(...weight(t.weight, tf), ...nodeSelectorTerm(t.preference, tf.child('preference')));
  });
  return errs;
}

/** unversioned ValidateLabelSelector: expression operators and values, keys, matchLabels. */
function labelSelector(sel: Selector | undefined, f: FieldPath): FieldError[] {
  if (!sel) return [];
  const errs: FieldError[] = [];
  (sel.matchExpressions ?? []).forEach((rq, i) => {
    const ef = f.child('matchExpressions').index(i);
    const n = rq.values?.length ?? 0;
    if (rq.operator === 'In' || rq.operator === 'NotIn') {
      if (n === 0) errs.push(required(ef.child('values'), 'must be specified when `operator` is \'In\' or \'NotIn\''));
    } else if (rq.operator === 'Exists' || rq.operator === 'DoesNotExist') {
      if (n > 0) errs.push(forbidden(ef.child('values'), 'may not be specified when `operator` is \'Exists\' or \'DoesNotExist\''));
    } else errs.push(invalid(ef.child('operator'), rq.operator ?? '', 'not a valid selector operator'));
    errs.push(...labelName(rq.key ?? '', ef.child('key')));
  });
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) {
    errs.push(...labelName(k, f.child('matchLabels')), ...labelValueErrors(v).map((m) => invalid(f.child('matchLabels'), v, m)));
  }
  return errs;
}

function podAffinityTerm(t: PodAffinityTerm | undefined, f: FieldPath): FieldError[] {
  const errs = [...labelSelector(t?.labelSelector, f.child('labelSelector')), ...labelSelector(t?.namespaceSelector, f.child('namespaceSelector'))];
  for (const ns of t?.namespaces ?? []) errs.push(...dns1123LabelErrors(ns).map((m) => invalid(f.child('namespace'), ns, m)));
  const key = t?.topologyKey ?? '';
  if (key.length === 0) errs.push(required(f.child('topologyKey'), 'can not be empty'));
  return [...errs, ...labelName(key, f.child('topologyKey'))];
}

function podAffinity(pa: PodAffinity, f: FieldPath): FieldError[] {
  return [
    ...(pa.requiredDuringSchedulingIgnoredDuringExecution ?? []).flatMap((t, i) => podAffinityTerm(t, f.child('requiredDuringSchedulingIgnoredDuringExecution').index(i))),
    ...(pa.preferredDuringSchedulingIgnoredDuringExecution ?? []).flatMap((t, i) => {
      const tf = f.child('preferredDuringSchedulingIgnoredDuringExecution').index(i);
      return [...weight(t.weight, tf), ...podAffinityTerm(t.podAffinityTerm, tf.child('podAffinityTerm'))];
    }),
  ];
}

/** The affinity at `f` (`spec.affinity`); empty when valid or absent. */
export function validateAffinity(f: FieldPath, affinity: Affinity | undefined): FieldError[] {
  if (!affinity) return [];
  const errs = [
    ...(affinity.nodeAffinity ? nodeAffinity(affinity.nodeAffinity, f.child('nodeAffinity')) : []),
    ...(affinity.podAffinity ? podAffinity(affinity.podAffinity, f.child('podAffinity')) : []),
    ...(affinity.podAntiAffinity ? podAffinity(affinity.podAntiAffinity, f.child('podAntiAffinity')) : []),
  ];
  // Upstream reports every affinity problem as FieldValueInvalid carrying the full field error text.
  return errs.map((e) => ({ type: 'FieldValueInvalid', field: e.field, detail: '', message: fieldErrorMessage(e) }));
}
