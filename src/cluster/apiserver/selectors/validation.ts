/**
 * Field validation of labels and metav1.LabelSelector as apimachinery's metav1 validation does it
 * (ValidateLabels, ValidateLabelName, ValidateLabelSelector): one FieldError per problem, for the
 * validators of objects that carry labels or selectors.
 */
import { FieldPath, forbidden, invalid, required, type FieldError, type LabelSelector } from '../../../api/meta/index.js';
import { labelKeyErrors, labelValueErrors } from './label-syntax.js';

const pathOf = (p: FieldPath | string): FieldPath => (typeof p === 'string' ? FieldPath.root(...p.split('.')) : p);

/** ValidateLabelName: a qualified name (optional DNS-subdomain prefix). */
export function validateLabelName(name: string, path: FieldPath | string): FieldError[] {
  return labelKeyErrors(name).map((msg) => invalid(path, name, msg));
}

/** ValidateLabels: every key a qualified name, every value a label value (errors on the map's path). */
export function validateLabels(labels: Readonly<Record<string, string>> | undefined, path: FieldPath | string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    errs.push(...validateLabelName(k, path), ...labelValueErrors(v).map((msg) => invalid(path, v, msg)));
  }
  return errs;
}

/** ValidateLabelSelector (label values checked, as when AllowInvalidLabelValueInSelector is off). */
export function validateLabelSelector(sel: LabelSelector | undefined | null, path: FieldPath | string): FieldError[] {
  if (!sel) return [];
  const p = pathOf(path);
  const errs = validateLabels(sel.matchLabels, p.child('matchLabels'));
  (sel.matchExpressions ?? []).forEach((expr, i) => {
    const ep = p.child('matchExpressions').index(i);
    const values = expr.values ?? [];
    switch (expr.operator as string) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) errs.push(required(ep.child('values'), "must be specified when `operator` is 'In' or 'NotIn'"));
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) errs.push(forbidden(ep.child('values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        break;
      default:
        errs.push(invalid(ep.child('operator'), expr.operator, 'not a valid selector operator'));
    }
    errs.push(...validateLabelName(expr.key, ep.child('key')));
    values.forEach((v, j) => errs.push(...labelValueErrors(v).map((msg) => invalid(ep.child('values').index(j), v, msg))));
  });
  return errs;
}
