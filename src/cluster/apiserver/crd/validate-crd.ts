/**
 * Validation of a CustomResourceDefinition object itself, worded as apiextensions-apiserver
 * words it: metadata.name = <plural>.<group>, names, scope, versions (exactly one storage
 * version), per-version schema (required, structural), subresources, printer columns, and the
 * fields an update may not change.
 */
import { FieldPath, invalid, notSupported, required, type FieldError, type KubeObject } from '../../../api/meta/index.js';
import { crdSpec, type CrdColumn, type CrdNames, type CrdScale, type CrdSpec, type CrdVersion } from './crd-types.js';
import { FIELD_IMMUTABLE, isDNS1035Label as dns1035Errors, isDNS1123Subdomain as dns1123SubdomainErrors } from '../builtins/validation/names.js';
import { validateStructuralSchema } from './structural.js';

const columnTypes = ['boolean', 'date', 'integer', 'number', 'string'];
const columnFormats = ['byte', 'date', 'date-time', 'double', 'float', 'int32', 'int64', 'name', 'password'];

function validateNames(n: CrdNames, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const label = (field: string, v: string | undefined, lower = false): void => {
    if (!v) return;
    const msgs = dns1035Errors(lower ? v.toLowerCase() : v);
    if (msgs.length > 0) errs.push(invalid(p.child(field), v, lower ? `may have mixed case, but should otherwise match: ${msgs.join(',')}` : msgs.join(',')));
  };
  for (const f of ['plural', 'singular', 'kind', 'listKind'] as const) if (!n[f]) errs.push(required(p.child(f), ''));
  label('plural', n.plural);
  label('singular', n.singular);
  label('kind', n.kind, true);
  label('listKind', n.listKind, true);
  (n.shortNames ?? []).forEach((s, i) => {
    const msgs = dns1035Errors(s);
    if (msgs.length > 0) errs.push(invalid(p.child('shortNames').index(i), s, msgs.join(',')));
  });
  if (n.kind && n.kind === n.listKind) errs.push(invalid(p.child('listKind'), n.listKind, 'kind and listKind may not be the same'));
  (n.categories ?? []).forEach((c, i) => {
    const msgs = dns1035Errors(c);
    if (msgs.length > 0) errs.push(invalid(p.child('categories').index(i), c, msgs.join(',')));
  });
  return errs;
}

function simpleJSONPath(s: string, p: FieldPath): FieldError[] {
  if (s.length === 0) return [invalid(p, s, 'must not be empty')];
  if (!s.startsWith('.')) return [invalid(p, s, 'must be a simple json path starting with .')];
  return [];
}

function validateScale(scale: CrdScale, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const path = (name: keyof CrdScale, prefixes: string[], where: string, mandatory: boolean): void => {
    const v = scale[name];
    const fp = p.child(`scale.${name}`);
    if (!v) {
      if (mandatory) errs.push(required(fp, ''));
      return;
    }
    const bad = simpleJSONPath(v, fp);
    if (bad.length > 0) errs.push(...bad);
    else if (!prefixes.some((x) => v.startsWith(x))) errs.push(invalid(fp, v, `should be a json path under ${where}`));
  };
  path('specReplicasPath', ['.spec.'], '.spec', true);
  path('statusReplicasPath', ['.status.'], '.status', true);
  path('labelSelectorPath', ['.spec.', '.status.'], 'either .spec or .status', false);
  return errs;
}

function validateColumn(c: CrdColumn, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!c.name) errs.push(required(p.child('name'), ''));
  if (!c.type) errs.push(required(p.child('type'), `must be one of ${columnTypes.join(',')}`));
  else if (!columnTypes.includes(c.type)) errs.push(invalid(p.child('type'), c.type, `must be one of ${columnTypes.join(',')}`));
  if (c.format && !columnFormats.includes(c.format)) errs.push(invalid(p.child('format'), c.format, `must be one of ${columnFormats.join(',')}`));
  if (!c.jsonPath) errs.push(required(p.child('JSONPath'), ''));
  else errs.push(...simpleJSONPath(c.jsonPath, p.child('JSONPath')));
  return errs;
}

function validateVersion(v: CrdVersion, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const name = v.name ?? '';
  const msgs = dns1035Errors(name);
  if (msgs.length > 0) errs.push(invalid(p.child('name'), name, msgs.join(',')));
  if (!v.deprecated && v.deprecationWarning !== undefined) errs.push(invalid(p.child('deprecationWarning'), v.deprecationWarning, 'can only be set for deprecated versions'));
  const schema = v.schema?.openAPIV3Schema;
  if (!schema) errs.push(required(p.child('schema').child('openAPIV3Schema'), 'schemas are required'));
  else errs.push(...validateStructuralSchema(schema, p.child('schema').child('openAPIV3Schema')));
  if (v.subresources?.scale) errs.push(...validateScale(v.subresources.scale, p.child('subresources')));
  (v.additionalPrinterColumns ?? []).forEach((c, i) => errs.push(...validateColumn(c, p.child('additionalPrinterColumns').index(i))));
  return errs;
}

function validateGroup(group: string | undefined, p: FieldPath): FieldError[] {
  if (!group) return [required(p, '')];
  const msgs = dns1123SubdomainErrors(group);
  if (msgs.length > 0) return [invalid(p, group, msgs.join(','))];
  if (group.split('.').length < 2) return [invalid(p, group, 'should be a domain with at least one dot')];
  return [];
}

function validateConversion(c: CrdSpec['conversion'], p: FieldPath): FieldError[] {
  if (!c) return [];
  const strategy = c.strategy ?? '';
  if (!strategy) return [required(p.child('strategy'), '')];
  if (strategy !== 'None' && strategy !== 'Webhook') return [notSupported(p.child('strategy'), strategy, ['None', 'Webhook'])];
  if (strategy === 'Webhook' && !c.webhook) return [required(p.child('webhook'), 'required when strategy is set to Webhook')];
  return [];
}

function validateSpec(spec: CrdSpec, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [...validateGroup(spec.group, p.child('group'))];
  if (!spec.scope) errs.push(required(p.child('scope'), ''));
  else if (spec.scope !== 'Cluster' && spec.scope !== 'Namespaced') errs.push(notSupported(p.child('scope'), spec.scope, ['Cluster', 'Namespaced']));
  const versions = spec.versions ?? [];
  versions.forEach((v, i) => errs.push(...validateVersion(v, p.child('versions').index(i))));
  const names = versions.map((v) => v.name);
  if (new Set(names).size !== names.length) errs.push(invalid(p.child('versions'), versions, 'must contain unique version names'));
  if (versions.filter((v) => v.storage === true).length !== 1) errs.push(invalid(p.child('versions'), versions, 'must have exactly one version marked as storage version'));
  errs.push(...validateNames(spec.names ?? {}, p.child('names')));
  if (spec.preserveUnknownFields === true) {
    errs.push(invalid(p.child('preserveUnknownFields'), true, 'cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead'));
  }
  errs.push(...validateConversion(spec.conversion, p.child('conversion')));
  return errs;
}

function established(crd: KubeObject): boolean {
  const conds = (crd['status'] as { conditions?: { type?: string; status?: string }[] } | undefined)?.conditions ?? [];
  return conds.some((c) => c.type === 'Established' && c.status === 'True');
}

function immutable(p: FieldPath, now: unknown, before: unknown): FieldError[] {
  return now === before ? [] : [invalid(p, now, FIELD_IMMUTABLE)];
}

function validateUpdate(spec: CrdSpec, oldCrd: KubeObject, p: FieldPath): FieldError[] {
  const old = crdSpec(oldCrd);
  const errs: FieldError[] = [];
  if (established(oldCrd)) {
    errs.push(...immutable(p.child('scope'), spec.scope, old.scope));
    errs.push(...immutable(p.child('names', 'kind'), spec.names?.kind, old.names?.kind));
  }
  errs.push(...immutable(p.child('group'), spec.group, old.group));
  errs.push(...immutable(p.child('names', 'plural'), spec.names?.plural, old.names?.plural));
  return errs;
}

/** Field errors for a CRD create (`old` undefined) or update. */
export function validateCrd(crd: KubeObject, old?: KubeObject): FieldError[] {
  const spec = crdSpec(crd);
  const errs: FieldError[] = [];
  const name = crd.metadata?.name ?? '';
  if (name) {
    for (const m of dns1123SubdomainErrors(name)) errs.push(invalid('metadata.name', name, m));
    if (name !== `${spec.names?.plural ?? ''}.${spec.group ?? ''}`) errs.push(invalid('metadata.name', name, 'must be spec.names.plural+"."+spec.group'));
  }
  const root = FieldPath.root('spec');
  errs.push(...validateSpec(spec, root));
  if (old) errs.push(...validateUpdate(spec, old, root));
  return errs;
}
