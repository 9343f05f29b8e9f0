/**
 * The label selector string grammar of k8s.io/apimachinery/pkg/labels.Parse: a lexer over
 * special symbols (`= == != ! ( ) , < >`), identifiers and the keywords `in`/`notin`, and a
 * recursive-descent parser with apimachinery's error texts.
 */
import { invalidText, labelKeyErrors } from './label-syntax.js';
import { binaryOperators, newRequirement, sortByKey, type Operator, type Requirement } from './requirement.js';

type Tok =
  | 'error'
  | 'eos'
  | 'closePar'
  | 'comma'
  | 'doesNotExist'
  | 'doubleEquals'
  | 'equals'
  | 'greaterThan'
  | 'identifier'
  | 'in'
  | 'lessThan'
  | 'notEquals'
  | 'notIn'
  | 'openPar';

interface Item {
  readonly tok: Tok;
  readonly lit: string;
}

const literalTokens: Readonly<Record<string, Tok>> = {
  ')': 'closePar',
  ',': 'comma',
  '!': 'doesNotExist',
  '==': 'doubleEquals',
  '=': 'equals',
  '>': 'greaterThan',
  in: 'in',
  '<': 'lessThan',
  '!=': 'notEquals',
  notin: 'notIn',
  '(': 'openPar',
};

/** The token a literal spells, if any (own keys only: `constructor` is an identifier, not Object's). */
const literalToken = (lit: string): Tok | undefined => (Object.hasOwn(literalTokens, lit) ? literalTokens[lit] : undefined);

const isWhitespace = (c: string): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isSpecial = (c: string): boolean => '=!(),><'.includes(c) && c.length === 1;

/** Splits a selector into tokens, ending with one `eos`. */
export function lex(s: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  for (;;) {
    while (pos < s.length && isWhitespace(s[pos] ?? '')) pos++;
    if (pos >= s.length) {
      items.push({ tok: 'eos', lit: '' });
      return items;
    }
    if (isSpecial(s[pos] ?? '')) {
      // Longest run of special symbols that is still a known token.
      let buf = '';
      let last: Item | undefined;
      while (pos < s.length && isSpecial(s[pos] ?? '')) {
        const next = buf + s[pos];
        const tok = literalToken(next);
        if (tok !== undefined) last = { tok, lit: next };
        else if (last) break;
        buf = next;
        pos++;
      }
      items.push(last ?? { tok: 'error', lit: `error expected: keyword found '${buf}'` });
      continue;
    }
    let buf = '';
    while (pos < s.length && !isSpecial(s[pos] ?? '') && !isWhitespace(s[pos] ?? '')) buf += s[pos++];
    const kw = literalToken(buf);
    items.push({ tok: kw ?? 'identifier', lit: buf });
  }
}

/** In value context the keywords `in` and `notin` are plain identifiers. */
type Context = 'keyAndOperator' | 'values';

class Parser {
  private pos = 0;
  constructor(private readonly items: readonly Item[]) {}

  lookahead(ctx: Context): Item {
    return this.view(this.items[this.pos] ?? { tok: 'eos', lit: '' }, ctx);
  }

  consume(ctx: Context): Item {
    const it = this.lookahead(ctx);
    if (this.pos < this.items.length - 1) this.pos++;
    return it;
  }

  private view(it: Item, ctx: Context): Item {
    return ctx === 'values' && (it.tok === 'in' || it.tok === 'notIn') ? { tok: 'identifier', lit: it.lit } : it;
  }

  parse(): Requirement[] {
    const reqs: Requirement[] = [];
    for (;;) {
      const { tok, lit } = this.lookahead('values');
      if (tok === 'eos') return reqs;
      if (tok !== 'identifier' && tok !== 'doesNotExist') {
        throw new Error(`found '${lit}', expected: !, identifier, or 'end of string'`);
      }
      let r: Requirement;
      try {
        r = this.parseRequirement();
      } catch (e) {
        throw new Error(`unable to parse requirement: ${(e as Error).message}`);
      }
      reqs.push(r);
      const after = this.consume('values');
      if (after.tok === 'eos') return reqs;
      if (after.tok !== 'comma') throw new Error(`found '${after.lit}', expected: ',' or 'end of string'`);
      const next = this.lookahead('values');
      if (next.tok !== 'identifier' && next.tok !== 'doesNotExist') {
        throw new Error(`found '${next.lit}', expected: identifier after ','`);
      }
    }
  }

  private parseRequirement(): Requirement {
    const { key, op } = this.parseKeyAndInferOperator();
    let operator = op;
    let values: string[] = [];
    if (operator !== 'exists' && operator !== '!') {
      operator = this.parseOperator();
      values = operator === 'in' || operator === 'notin' ? this.parseValues() : this.parseExactValue();
    }
    const r = newRequirement(key, operator, values);
    if (r instanceof Error) throw r;
    return r;
  }

  private parseKeyAndInferOperator(): { key: string; op: Operator | undefined } {
    let op: Operator | undefined;
    let it = this.consume('values');
    if (it.tok === 'doesNotExist') {
      op = '!';
      it = this.consume('values');
    }
    if (it.tok !== 'identifier') throw new Error(`found '${it.lit}', expected: identifier`);
    const keyErrs = labelKeyErrors(it.lit);
    if (keyErrs.length > 0) throw new Error(invalidText(undefined, it.lit, keyErrs.join('; ')));
    const next = this.lookahead('values').tok;
    if ((next === 'eos' || next === 'comma') && op !== '!') op = 'exists';
    return { key: it.lit, op };
  }

  private parseOperator(): Operator {
    const { tok, lit } = this.consume('keyAndOperator');
    const ops: Partial<Record<Tok, Operator>> = {
      in: 'in',
      equals: '=',
      doubleEquals: '==',
      greaterThan: 'gt',
      lessThan: 'lt',
      notIn: 'notin',
      notEquals: '!=',
    };
    const op = ops[tok];
    if (op === undefined) throw new Error(`found '${lit}', expected: ${binaryOperators.join(', ')}`);
    return op;
  }

  private parseValues(): string[] {
    const open = this.consume('values');
    if (open.tok !== 'openPar') throw new Error(`found '${open.lit}' expected: '('`);
    const { tok, lit } = this.lookahead('values');
    if (tok === 'closePar') {
      this.consume('values');
      return [''];
    }
    if (tok !== 'identifier' && tok !== 'comma') throw new Error(`found '${lit}', expected: ',', ')' or identifier`);
    const s = this.parseIdentifiersList();
    if (this.consume('values').tok !== 'closePar') throw new Error(`found '${lit}', expected: ')'`);
    return [...s].sort();
  }

  private parseIdentifiersList(): Set<string> {
    const s = new Set<string>();
    for (;;) {
      const { tok, lit } = this.consume('values');
      if (tok === 'identifier') {
        s.add(lit);
        const next = this.lookahead('values');
        if (next.tok === 'comma') continue;
        if (next.tok === 'closePar') return s;
        throw new Error(`found '${next.lit}', expected: ',' or ')'`);
      }
      if (tok !== 'comma') throw new Error(`found '${lit}', expected: ',', or identifier`);
      if (s.size === 0) s.add(''); // "(,"
      const next = this.lookahead('values').tok;
      if (next === 'closePar') {
        s.add(''); // ",)"
        return s;
      }
      if (next === 'comma') s.add(''); // ",,"
    }
  }

  private parseExactValue(): string[] {
    const next = this.lookahead('values').tok;
    if (next === 'eos' || next === 'comma') return [''];
    const { tok, lit } = this.consume('values');
    if (tok === 'identifier') return [lit];
    throw new Error(`found '${lit}', expected: identifier`);
  }
}

/** labels.Parse: the requirements sorted by key, or an Error worded as apimachinery words it. */
export function parseLabelRequirements(selector: string): Requirement[] {
  return sortByKey(new Parser(lex(selector)).parse());
}
