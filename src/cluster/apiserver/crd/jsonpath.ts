/**
 * The subset of Kubernetes JSONPath that additionalPrinterColumns use: `.a.b`, `[0]`, `[*]`,
 * `['key']`, slices, and filters such as `.status.conditions[?(@.type=="Ready")].status`.
 * Results are every match, in document order; printer columns use the first.
 */
import { StatusError } from '../../../api/meta/index.js';

type Step =
  | { kind: 'field'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'slice'; start?: number; end?: number }
  | { kind: 'wildcard' }
  | { kind: 'filter'; path: Step[]; op?: string; value?: unknown };

function parseError(expr: string, why: string): StatusError {
  return new StatusError(400, 'BadRequest', `invalid JSONPath ${JSON.stringify(expr)}: ${why}`);
}

function parseLiteral(s: string): unknown {
  const t = s.trim();
  if ((t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'"))) return t.slice(1, -1);
  if (t === 'true' || t === 'false') return t === 'true';
  if (t === 'null') return null;
  const n = Number(t);
  return Number.isNaN(n) ? t : n;
}

function parseFilter(body: string, expr: string): Step {
  const m = /^@((?:\.[^.=!<>\s]+)*)\s*(==|!=|<=|>=|<|>)?\s*(.*)$/.exec(body.trim());
  if (!m) throw parseError(expr, `unsupported filter ${body}`);
  const path = parsePath(m[1] ?? '', expr);
  return m[2] ? { kind: 'filter', path, op: m[2], value: parseLiteral(m[3] ?? '') } : { kind: 'filter', path };
}

function parseBracket(inner: string, expr: string): Step {
  const t = inner.trim();
  if (t === '*') return { kind: 'wildcard' };
  if (t.startsWith('?(') && t.endsWith(')')) return parseFilter(t.slice(2, -1), expr);
  if ((t.startsWith("'") && t.endsWith("'")) || (t.startsWith('"') && t.endsWith('"'))) return { kind: 'field', name: t.slice(1, -1) };
  if (/^-?\d*:-?\d*$/.test(t)) {
    const [a, b] = t.split(':');
    return { kind: 'slice', ...(a ? { start: Number(a) } : {}), ...(b ? { end: Number(b) } : {}) };
  }
  if (/^-?\d+$/.test(t)) return { kind: 'index', index: Number(t) };
  throw parseError(expr, `unsupported subscript [${inner}]`);
}

/** Finds the `]` closing the bracket opened at `open`, skipping quoted strings and nested parens. */
function closingBracket(s: string, open: number): number {
  let quote = '';
  for (let i = open + 1; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === ']') return i;
  }
  return -1;
}

function parsePath(s: string, expr: string): Step[] {
  const steps: Step[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === '.') {
      let j = i + 1;
      let name = '';
      while (j < s.length && s[j] !== '.' && s[j] !== '[') {
        if (s[j] === '\\' && j + 1 < s.length) j++;
        name += s[j];
        j++;
      }
      if (name !== '') steps.push(name === '*' ? { kind: 'wildcard' } : { kind: 'field', name });
      i = j;
    } else if (c === '[') {
      const end = closingBracket(s, i);
      if (end < 0) throw parseError(expr, 'unterminated [');
      steps.push(parseBracket(s.slice(i + 1, end), expr));
      i = end + 1;
    } else {
      throw parseError(expr, `unexpected ${JSON.stringify(c)} at ${i}`);
    }
  }
  return steps;
}

/** A compiled JSONPath; accepts `{.a.b}` or `.a.b`. Throws StatusError 400 on syntax it does not support. */
export function compileJSONPath(expr: string): (data: unknown) => unknown[] {
  let s = expr.trim();
  if (s.startsWith('{') && s.endsWith('}')) s = s.slice(1, -1).trim();
  if (s.startsWith('$')) s = s.slice(1);
  const steps = parsePath(s, expr);
  return (data) => evaluate(steps, [data]);
}

function compare(a: unknown, op: string, b: unknown): boolean {
  switch (op) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    default: {
      if (typeof a !== typeof b || (typeof a !== 'number' && typeof a !== 'string')) return false;
      const x = a;
      const y = b as number | string;
      return op === '<' ? x < y : op === '>' ? x > y : op === '<=' ? x <= y : x >= y;
    }
  }
}

function children(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (typeof v === 'object' && v !== null) return Object.values(v);
  return [];
}

function applyStep(step: Step, v: unknown): unknown[] {
  switch (step.kind) {
    case 'field':
      return typeof v === 'object' && v !== null && !Array.isArray(v) && step.name in v ? [(v as Record<string, unknown>)[step.name]] : [];
    case 'index': {
      if (!Array.isArray(v)) return [];
      const i = step.index < 0 ? v.length + step.index : step.index;
      return i >= 0 && i < v.length ? [v[i]] : [];
    }
    case 'slice':
      return Array.isArray(v) ? v.slice(step.start ?? 0, step.end ?? v.length) : [];
    case 'wildcard':
      return children(v);
    case 'filter':
      return children(v).filter((item) => {
        const found = evaluate(step.path, [item]);
        if (step.op === undefined) return found.length > 0;
        return found.some((x) => compare(x, step.op!, step.value));
      });
  }
}

function evaluate(steps: readonly Step[], input: unknown[]): unknown[] {
  let cur = input;
  for (const step of steps) cur = cur.flatMap((v) => applyStep(step, v));
  return cur;
}
