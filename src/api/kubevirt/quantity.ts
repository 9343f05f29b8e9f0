/**
 * resource.Quantity arithmetic for defaulting and validation: parse "1Gi", "100m", "1e3" or a bare
 * number to its value, round as apimachinery's Value()/MilliValue() do, and print a quantity back
 * in its format (BinarySI or DecimalSI) the way Go's canonical form prints it.
 */
import { QUANTITY_PATTERN, type Quantity } from './quantity-pattern.js';

export type QuantityFormat = 'BinarySI' | 'DecimalSI' | 'DecimalExponent';

export interface ParsedQuantity {
  /** The exact value (bytes, cores...); fractional for milli quantities. */
  readonly value: number;
  readonly format: QuantityFormat;
}

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
const quantityRe = new RegExp(QUANTITY_PATTERN);

/** Parses a quantity; undefined when it is not one (the caller reports the field). */
export function parseQuantity(q: Quantity | undefined | null): ParsedQuantity | undefined {
  if (q === undefined || q === null) return undefined;
  if (typeof q === 'number') return Number.isFinite(q) ? { value: q, format: 'DecimalSI' } : undefined;
  const s = q.trim();
  if (s === '' || !quantityRe.test(s)) return undefined;
  const m = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(.*)$/.exec(s);
  if (!m) return undefined;
  const num = Number(m[1]);
  const suffix = m[2] ?? '';
  const bin = BINARY[suffix];
  if (bin !== undefined) return { value: num * bin, format: 'BinarySI' };
  const dec = DECIMAL[suffix];
  if (dec !== undefined) return { value: num * dec, format: 'DecimalSI' };
  const exp = /^[eE]([+-]?(?:\d+(?:\.\d*)?|\.\d+))$/.exec(suffix);
  if (exp) return { value: num * 10 ** Number(exp[1]), format: 'DecimalExponent' };
  return undefined;
}

/** Like Quantity.Value(): the value rounded up to an integer (0 when absent or invalid). */
export function quantityValue(q: Quantity | undefined | null): number {
  const p = parseQuantity(q);
  return p ? Math.ceil(p.value - 1e-9) : 0;
}

/** Like Quantity.MilliValue(): the value in thousandths, rounded up. */
export function quantityMilliValue(q: Quantity | undefined | null): number {
  const p = parseQuantity(q);
  return p ? Math.ceil(p.value * 1000 - 1e-6) : 0;
}

/** Like Quantity.IsZero(): absent, invalid or zero. */
export const isZeroQuantity = (q: Quantity | undefined | null): boolean => (parseQuantity(q)?.value ?? 0) === 0;

/** Compares two quantities by value: negative, zero or positive. */
export function compareQuantities(a: Quantity, b: Quantity): number {
  return (parseQuantity(a)?.value ?? 0) - (parseQuantity(b)?.value ?? 0);
}

/** Prints an integer value the way resource.NewQuantity(value, format).String() does. */
export function formatQuantity(value: number, format: QuantityFormat): string {
  if (!Number.isInteger(value)) throw new RangeError(`quantity value ${value} is not an integer`);
  if (value === 0) return '0';
  if (format === 'BinarySI') {
    for (const suffix of ['Ei', 'Pi', 'Ti', 'Gi', 'Mi', 'Ki'] as const) {
      const unit = BINARY[suffix]!;
      if (Math.abs(value) >= unit && value % unit === 0) return `${value / unit}${suffix}`;
    }
    // Not a whole number of Ki: Go falls back to decimal SI.
  }
  for (const suffix of ['E', 'P', 'T', 'G', 'M', 'k'] as const) {
    const unit = DECIMAL[suffix]!;
    if (Math.abs(value) >= unit && value % unit === 0) return `${value / unit}${suffix}`;
  }
  return String(value);
}
