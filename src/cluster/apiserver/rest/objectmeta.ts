/**
 * ObjectMeta rules every resource shares: names (DNS-1123 subdomain, generateName), uid and
 * creationTimestamp on create, immutable fields on update, generation on spec changes.
 */
import { randomUUID, randomInt } from 'node:crypto';
import { rfc3339 } from '../patch/managed-fields.js';
import { canonical, jsonEqual } from '../../../api/meta/json.js';
import { FieldPath, invalid, required, forbidden, type FieldError, type KubeObject, type ObjectMeta } from '../../../api/meta/index.js';

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const GENERATE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** Errors for a DNS-1123 subdomain (most object names), worded as apimachinery words them. */
export function validateSubdomain(value: string, field = 'metadata.name'): FieldError[] {
  const errs: FieldError[] = [];
  if (value.length > 253) errs.push(invalid(field, value, 'must be no more than 253 characters'));
  if (!DNS1123_SUBDOMAIN.test(value)) {
    errs.push(
      invalid(
        field,
        value,
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      ),
    );
  }
  return errs;
}

/** Errors for a DNS-1123 label (namespace names). */
export function validateLabelName(value: string, field = 'metadata.name'): FieldError[] {
  const errs: FieldError[] = [];
  if (value.length > 63) errs.push(invalid(field, value, 'must be no more than 63 characters'));
  if (!DNS1123_LABEL.test(value)) {
    errs.push(
      invalid(
        field,
        value,
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
      ),
    );
  }
  return errs;
}

/** Path-segment rule every stored name must obey (RBAC names and others allow ':' etc.). */
export function validatePathSegmentName(value: string, field = 'metadata.name'): FieldError[] {
  if (value === '.' || value === '..') return [invalid(field, value, `may not be '${value}'`)];
  for (const bad of ['/', '%']) if (value.includes(bad)) return [invalid(field, value, `may not contain '${bad}'`)];
  return [];
}

/** `generateName` plus five random characters, as the name generator of kube-apiserver does. */
export function generateName(prefix: string): string {
  const base = prefix.length > 58 ? prefix.slice(0, 58) : prefix;
  let s = '';
  for (let i = 0; i < 5; i++) s += GENERATE_ALPHABET[randomInt(GENERATE_ALPHABET.length)];
  return base + s;
}

/** Name rule a resource uses. */
export type NameRule = 'subdomain' | 'label' | 'path';

/** Validates metadata common to all objects on create (name/generateName, labels, annotations). */
export function validateMeta(meta: ObjectMeta, rule: NameRule): FieldError[] {
  const errs: FieldError[] = [];
  const name = meta.name ?? '';
  if (!name) errs.push(required('metadata.name', 'name or generateName is required'));
  else if (rule === 'subdomain') errs.push(...validateSubdomain(name));
  else if (rule === 'label') errs.push(...validateLabelName(name));
  else errs.push(...validatePathSegmentName(name));
  const labels = FieldPath.root('metadata', 'labels');
  for (const [k, v] of Object.entries(meta.labels ?? {})) {
    if (typeof v !== 'string') errs.push(invalid(labels.key(k), v, 'must be a string'));
    else if (v.length > 63 || !/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(v)) {
      errs.push(
        invalid(
          labels,
          v,
          "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
        ),
      );
    }
  }
  for (const [k, v] of Object.entries(meta.annotations ?? {})) {
    if (typeof v !== 'string') errs.push(invalid(FieldPath.root('metadata', 'annotations').key(k), v, 'must be a string'));
  }
  return errs;
}

/** Fills uid, creationTimestamp, generation and the name from generateName; clears server-owned fields. */
export function initMetaForCreate(obj: KubeObject, now: Date): void {
  const meta: ObjectMeta = (obj.metadata ??= {});
  if (!meta.name && meta.generateName) meta.name = generateName(meta.generateName);
  meta.uid = randomUUID();
  meta.creationTimestamp = rfc3339(now);
  meta.generation = 1;
  delete meta.resourceVersion;
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  delete meta.selfLink;
}

/** Keeps what an update may not change (uid, creationTimestamp, deletion state, generation). */
export function preserveMetaOnUpdate(next: KubeObject, old: KubeObject): FieldError[] {
  const m: ObjectMeta = (next.metadata ??= {});
  const o = old.metadata ?? {};
  const errs: FieldError[] = [];
  if (m.uid && m.uid !== o.uid) errs.push(invalid('metadata.uid', m.uid, 'field is immutable'));
  m.uid = o.uid;
  m.creationTimestamp = o.creationTimestamp;
  m.generation = o.generation;
  m.deletionTimestamp = o.deletionTimestamp;
  m.deletionGracePeriodSeconds = o.deletionGracePeriodSeconds;
  if (m.deletionTimestamp === undefined) delete m.deletionTimestamp;
  if (m.deletionGracePeriodSeconds === undefined) delete m.deletionGracePeriodSeconds;
  if (m.generation === undefined) delete m.generation;
  if (o.deletionTimestamp) {
    const had = new Set(o.finalizers ?? []);
    for (const f of m.finalizers ?? []) {
      if (!had.has(f)) errs.push(forbidden('metadata.finalizers', `no new finalizers can be added if the object is being deleted, found new finalizers []string{${JSON.stringify(f)}}`));
    }
  }
  return errs;
}

/** Everything but metadata and status: what a "spec change" means for generation. */
export function specOf(obj: KubeObject): string {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return canonical(rest);
}

/** True when two objects have the same spec in the sense of specOf (compared without serialising). */
export function sameSpec(a: KubeObject, b: KubeObject): boolean {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...restA } = a;
  const { metadata: _m2, status: _s2, apiVersion: _a2, kind: _k2, ...restB } = b;
  return jsonEqual(restA, restB);
}

/** RFC 3339 with second precision, as metav1.Time serialises (one formatter for the whole server). */
export { rfc3339 };

/** JSON equality of two objects ignoring managedFields and resourceVersion (no-op update detection). */
export function sameObject(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject): KubeObject => {
    const { managedFields: _mf, resourceVersion: _rv, ...meta } = o.metadata ?? {};
    return { ...o, metadata: meta };
  };
  return jsonEqual(strip(a), strip(b));
}
