/**
 * metav1.LabelSelector evaluation (matchLabels AND matchExpressions) over a label map: the one
 * matcher shared by API validation (KubeVirt presets, replica sets) and the API server's builtins.
 */

/** A LabelSelector as decoded from JSON: fields may be missing or malformed. */
export interface LabelSelectorLike {
  readonly matchLabels?: unknown;
  readonly matchExpressions?: unknown;
}

const record = (v: unknown): Readonly<Record<string, unknown>> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const list = (v: unknown): readonly unknown[] => (Array.isArray(v) ? v : []);

/**
 * True when the labels satisfy every matchLabels entry and matchExpression. An empty selector
 * matches everything (callers decide what a missing one means); an unknown operator matches nothing.
 */
export function labelSelectorMatches(selector: LabelSelectorLike, labels: unknown): boolean {
  const l = record(labels);
  for (const [k, v] of Object.entries(record(selector.matchLabels))) if (l[k] !== v) return false;
  for (const raw of list(selector.matchExpressions)) {
    const e = record(raw);
    const key = typeof e.key === 'string' ? e.key : '';
    const values = list(e.values).map(String);
    const has = Object.prototype.hasOwnProperty.call(l, key);
    const value = has ? String(l[key]) : undefined;
    switch (e.operator) {
      case 'In':
        if (value === undefined || !values.includes(value)) return false;
        break;
      case 'NotIn':
        if (value !== undefined && values.includes(value)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}
