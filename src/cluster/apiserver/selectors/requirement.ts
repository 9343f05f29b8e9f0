/**
 * One label requirement (key, operator, values) as k8s.io/apimachinery/pkg/labels builds, checks,
 * matches and prints it. Both the string parser and metav1.LabelSelector produce these.
 */
import { aggregateText, invalidText, labelKeyErrors, labelValueErrors } from './label-syntax.js';

/** selection.Operator values as apimachinery spells them. */
export type Operator = 'in' | 'notin' | '=' | '==' | '!=' | 'gt' | 'lt' | 'exists' | '!';

/** A parsed or converted label requirement. */
export interface Requirement {
  readonly key: string;
  readonly operator: Operator;
  /** Sorted and unique for set operators (parsed through a string set), as given otherwise. */
  readonly values: readonly string[];
}

/** validRequirementOperators' order (binary then unary), used in messages. */
export const binaryOperators: readonly Operator[] = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'];

/** The problems NewRequirement reports, as field error texts; `path` prefixes `key`/`values`. */
export function requirementErrors(key: string, op: Operator, values: readonly string[] | null, path?: string): string[] {
  const p = (child: string): string => (path ? `${path}.${child}` : child);
  const vals = values ?? [];
  const errs: string[] = [];
  const keyErrs = labelKeyErrors(key);
  if (keyErrs.length > 0) errs.push(invalidText(p('key'), key, keyErrs.join('; ')));
  switch (op) {
    case 'in':
    case 'notin':
      if (vals.length === 0) errs.push(invalidText(p('values'), values, "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case '=':
    case '==':
    case '!=':
      if (vals.length !== 1) errs.push(invalidText(p('values'), values, 'exact-match compatibility requires one single value'));
      break;
    case 'exists':
    case '!':
      if (vals.length !== 0) errs.push(invalidText(p('values'), values, 'values set must be empty for exists and does not exist'));
      break;
    case 'gt':
    case 'lt':
      if (vals.length !== 1) errs.push(invalidText(p('values'), values, "for 'Gt', 'Lt' operators, exactly one value is required"));
      vals.forEach((v, i) => {
        if (parseInt64(v) === undefined) {
          errs.push(invalidText(`${p('values')}[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"));
        }
      });
      break;
  }
  vals.forEach((v, i) => {
    const ve = labelValueErrors(v);
    if (ve.length > 0) errs.push(invalidText(`${p('values')}[${i}][${key}]`, v, ve.join('; ')));
  });
  return errs;
}

/** NewRequirement: the requirement, or an Error carrying the aggregated message. */
export function newRequirement(key: string, op: Operator, values: readonly string[] | null, path?: string): Requirement | Error {
  const errs = requirementErrors(key, op, values, path);
  if (errs.length > 0) return new Error(aggregateText(errs));
  return { key, operator: op, values: values ?? [] };
}

/** strconv.ParseInt(s, 10, 64): a bigint, or undefined when s is not a base-10 int64. */
export function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const n = BigInt(s);
  if (n > 9223372036854775807n || n < -9223372036854775808n) return undefined;
  return n;
}

/** Requirement.Matches: NotIn/!= also match when the key is absent; Gt/Lt need integer values. */
export function requirementMatches(r: Requirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const val = has ? labels[r.key] : undefined;
  switch (r.operator) {
    case 'in':
    case '=':
    case '==':
      return val !== undefined && r.values.includes(val);
    case 'notin':
    case '!=':
      return val === undefined || !r.values.includes(val);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (val === undefined || r.values.length !== 1) return false;
      const lv = parseInt64(val);
      const rv = parseInt64(r.values[0] ?? '');
      if (lv === undefined || rv === undefined) return false;
      return r.operator === 'gt' ? lv > rv : lv < rv;
    }
  }
}

const opText: Record<Operator, string> = {
  '=': '=',
  '==': '==',
  '!=': '!=',
  in: ' in ',
  notin: ' notin ',
  gt: '>',
  lt: '<',
  exists: '',
  '!': '',
};

/** Requirement.String(): `!key`, `key`, `key=v`, `key in (a,b)` (values sorted). */
export function requirementString(r: Requirement): string {
  if (r.operator === 'exists') return r.key;
  if (r.operator === '!') return `!${r.key}`;
  const vals = r.values.length === 1 ? (r.values[0] ?? '') : [...r.values].sort(compareBytes).join(',');
  const set = r.operator === 'in' || r.operator === 'notin';
  return `${r.key}${opText[r.operator]}${set ? `(${vals})` : vals}`;
}

/** Go's string ordering (bytewise; equal to UTF-16 order for the ASCII that label syntax allows). */
export function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Requirements sorted by key (stable), as the parser and Selector.Add leave them. */
export function sortByKey(reqs: readonly Requirement[]): Requirement[] {
  return [...reqs].sort((a, b) => compareBytes(a.key, b.key));
}
