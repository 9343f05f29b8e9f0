/**
 * Field selectors as k8s.io/apimachinery/pkg/fields.ParseSelector reads them: comma-separated
 * `field=value`, `field==value`, `field!=value` terms, with `\,` `\=` `\\` escapes in values.
 */
import { badRequest } from '../../../api/meta/index.js';
import type { FieldMatcher } from '../contracts.js';

/** One `field=value` / `field!=value` term (values unescaped). */
export interface FieldTerm {
  readonly field: string;
  readonly op: '=' | '!=';
  readonly value: string;
}

/** Splits on commas not preceded by a backslash escape (the backslash is kept for unescaping). */
export function splitTerms(s: string): string[] {
  if (s.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(s.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(s.slice(start));
  return terms;
}

// `==` is checked before `=` so that no `=` is left at the start of the value.
const termOperators = ['!=', '==', '='] as const;

function splitTerm(term: string): { lhs: string; op: (typeof termOperators)[number]; rhs: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of termOperators) {
      if (term.startsWith(op, i)) return { lhs: term.slice(0, i), op, rhs: term.slice(i + op.length) };
    }
  }
  return undefined;
}

/** fields.UnescapeValue; the errors read as apimachinery's (an unescaped rune prints as its code point). */
export function unescapeValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c !== '\\' && c !== ',' && c !== '=') throw new Error(`invalid field selector: invalid escape sequence: \\${c}`);
      out += c;
      inSlash = false;
    } else if (c === '\\') inSlash = true;
    else if (c === ',' || c === '=') throw new Error(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    else out += c;
  }
  if (inSlash) throw new Error('invalid field selector: invalid escape sequence: \\');
  return out;
}

/** fields.EscapeValue: the inverse of unescapeValue. */
export function escapeValue(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/,/g, '\\,').replace(/=/g, '\\=');
}

/** fields.ParseSelector to terms (sorted as the raw terms sort); throws Error with apimachinery's text. */
export function parseFieldTerms(selector: string): FieldTerm[] {
  const parts = splitTerms(selector).sort();
  const terms: FieldTerm[] = [];
  for (const part of parts) {
    if (part === '') continue;
    const t = splitTerm(part);
    if (!t) throw new Error(`invalid selector: '${selector}'; can't understand '${part}'`);
    terms.push({ field: t.lhs, op: t.op === '!=' ? '!=' : '=', value: unescapeValue(t.rhs) });
  }
  return terms;
}

type FieldsTest = (fields: Readonly<Record<string, string>>) => boolean;

/** Every term holds (a missing field reads as ""); one term, the common case, tests without a loop. */
function termsMatcher(terms: readonly FieldTerm[]): FieldsTest {
  const [only] = terms;
  if (terms.length === 1 && only) {
    const { field, value } = only;
    return only.op === '=' ? (fields) => (fields[field] ?? '') === value : (fields) => (fields[field] ?? '') !== value;
  }
  const fields = terms.map((t) => t.field);
  const values = terms.map((t) => t.value);
  const wants = terms.map((t) => t.op === '=');
  return (f) => {
    for (let i = 0; i < fields.length; i++) if (((f[fields[i] as string] ?? '') === values[i]) !== wants[i]) return false;
    return true;
  };
}

/** A FieldMatcher over terms: a missing field reads as "". */
export function fieldMatcherOf(terms: readonly FieldTerm[]): FieldMatcher & { readonly terms: readonly FieldTerm[] } {
  const text = terms.map((t) => `${t.field}${t.op}${escapeValue(t.value)}`).join(',');
  return {
    terms,
    empty: terms.length === 0,
    fieldNames: [...new Set(terms.map((t) => t.field))],
    matches: termsMatcher(terms),
    toString: () => text,
  };
}

/** fields.ParseSelector to terms; throws StatusError 400 on bad syntax. */
export function parseFieldTermsOr400(s: string): FieldTerm[] {
  try {
    return parseFieldTerms(s);
  } catch (e) {
    throw badRequest((e as Error).message);
  }
}

/** `?fieldSelector=` to a matcher; throws StatusError 400 on bad syntax. */
export const parseFieldSelector = (s: string): FieldMatcher => fieldMatcherOf(parseFieldTermsOr400(s));
