/**
 * resource.Quantity parsing (just enough to compare values): "500m", "1Gi", "2e3", "1.5".
 * Validation uses it for requests <= limits and PVC size rules.
 */

const binary: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const decimal: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])|[eE]([+-]?\d+))?$/;

/**
 * Parsed strings (a pod's few distinct quantities recur on every write of it): bounded, and
 * emptied when full rather than tracking recency, since the working set is tiny.
 */
const parsed = new Map<string, number | undefined>();
const MAX_PARSED = 1024;

/** The numeric value of a quantity string or number, or undefined when it does not parse. */
export function parseQuantity(q: unknown): number | undefined {
  if (typeof q === 'number') return Number.isFinite(q) ? q : undefined;
  if (typeof q !== 'string') return undefined;
  if (parsed.has(q)) return parsed.get(q);
  const v = parseString(q);
  if (parsed.size >= MAX_PARSED) parsed.clear();
  parsed.set(q, v);
  return v;
}

function parseString(q: string): number | undefined {
  const m = QUANTITY.exec(q);
  if (!m) return undefined;
  const n = Number(m[1]);
  if (m[3] !== undefined) return n * 10 ** Number(m[3]);
  const suffix = m[2] ?? '';
  return n * (binary[suffix] ?? decimal[suffix] ?? 1);
}

/** apimachinery's message for an unparsable quantity. */
export const QUANTITY_FORMAT_MESSAGE = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
