import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError, type LabelSelector } from '../../../api/meta/index.js';
import { formatLabelSelector, labelSelectorFromMeta, labelSelectorFromMetaOrEverything, parseLabelSelector } from './labels.js';

const nameRegexMsg =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character " +
  "(e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const valueRegexMsg =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an " +
  "alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

test('label selectors parse and print as apimachinery prints them', () => {
  const table: [string, string][] = [
    ['', ''],
    ['x=a', 'x=a'],
    ['x==a', 'x==a'],
    [' x != a ', 'x!=a'],
    ['x in (foo,,baz),y,z notin ()', 'x in (,baz,foo),y,z notin ()'],
    ['x in (b,a,b)', 'x in (a,b)'],
    ['!x', '!x'],
    ['  !x ,  y ', '!x,y'],
    ['x>1,y<20', 'x>1,y<20'],
    ['b=1,a=2', 'a=2,b=1'],
    ['x=', 'x='],
    ['x in (in),in notin (notin)', 'in notin (notin),x in (in)'],
    ['example.com/app=web', 'example.com/app=web'],
    ['x\t=\ta', 'x=a'],
    // Names of Object.prototype's members are plain identifiers.
    ['!valueOf,constructor=toString', 'constructor=toString,!valueOf'],
    ['hasOwnProperty in (valueOf)', 'hasOwnProperty in (valueOf)'],
  ];
  for (const [input, want] of table) assert.equal(parseLabelSelector(input).toString(), want, input);
  assert.equal(parseLabelSelector('').empty, true);
  assert.equal(parseLabelSelector('x').empty, false);
});

test('label requirements match as apimachinery matches them', () => {
  const table: [string, Record<string, string> | undefined, boolean][] = [
    ['x=a', { x: 'a' }, true],
    ['x=a', { x: 'b' }, false],
    ['x=a', {}, false],
    ['x==a', { x: 'a' }, true],
    ['x!=a', {}, true],
    ['x!=a', { x: 'a' }, false],
    ['x!=a', { x: 'b' }, true],
    ['x in (a,b)', { x: 'b' }, true],
    ['x in (a,b)', { x: 'c' }, false],
    ['x in (a,b)', {}, false],
    ['x notin (a,b)', {}, true],
    ['x notin (a,b)', { x: 'a' }, false],
    ['x notin (a,b)', { x: 'c' }, true],
    ['x', { x: '' }, true],
    ['x', { y: 'a' }, false],
    ['!x', { y: 'a' }, true],
    ['!x', { x: 'a' }, false],
    ['x>5', { x: '10' }, true],
    ['x>5', { x: '5' }, false],
    ['x>5', { x: 'abc' }, false],
    ['x>5', {}, false],
    ['x<5', { x: '-3' }, true],
    ['x<5', { x: '9223372036854775808' }, false],
    ['x=', { x: '' }, true],
    ['x=', {}, false],
    ['x in ()', { x: '' }, true],
    ['x=a,y', { x: 'a', y: 'z' }, true],
    ['x=a,y', { x: 'a' }, false],
    ['', undefined, true],
    ['x!=a', undefined, true],
  ];
  for (const [sel, labels, want] of table) {
    assert.equal(parseLabelSelector(sel).matches(labels), want, `${sel} ~ ${JSON.stringify(labels)}`);
  }
});

test('label selector errors are 400s worded as apimachinery words them', () => {
  const table: [string, string][] = [
    ['x=a b', "found 'b', expected: ',' or 'end of string'"],
    [',', "found ',', expected: !, identifier, or 'end of string'"],
    ['x,', "found '', expected: identifier after ','"],
    ['x,=', "found '=', expected: identifier after ','"],
    ['x in a', "unable to parse requirement: found 'a' expected: '('"],
    ['x in (a b)', "unable to parse requirement: found 'b', expected: ',' or ')'"],
    ['x in (a', "unable to parse requirement: found '', expected: ',' or ')'"],
    ['x in (=)', "unable to parse requirement: found '=', expected: ',', ')' or identifier"],
    ['x y', "unable to parse requirement: found 'y', expected: in, notin, =, ==, !=, gt, lt"],
    ['x!!=a', "unable to parse requirement: found '!', expected: in, notin, =, ==, !=, gt, lt"],
    ['x=(', "unable to parse requirement: found '(', expected: identifier"],
    ['!=a', "found '!=', expected: !, identifier, or 'end of string'"],
    ['!!x', "unable to parse requirement: found '!', expected: identifier"],
    ['x<-2', `unable to parse requirement: values[0][x]: Invalid value: "-2": ${valueRegexMsg}`],
    ['!x=a', "found '=', expected: ',' or 'end of string'"],
    ['x>a', `unable to parse requirement: values[0]: Invalid value: "a": for 'Gt', 'Lt' operators, the value must be an integer`],
    ['app:monolith', `unable to parse requirement: <nil>: Invalid value: "app:monolith": ${nameRegexMsg}`],
    ['x=a$', `unable to parse requirement: values[0][x]: Invalid value: "a$": ${valueRegexMsg}`],
    [`x=${'a'.repeat(64)}`, `unable to parse requirement: values[0][x]: Invalid value: "${'a'.repeat(64)}": must be no more than 63 bytes`],
    ['a/b/c=d', `unable to parse requirement: <nil>: Invalid value: "a/b/c": a valid label key ${nameRegexMsg.replace('name part ', '')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`],
    [
      'Foo.com/x',
      "unable to parse requirement: <nil>: Invalid value: \"Foo.com/x\": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ],
    ['/x', 'unable to parse requirement: <nil>: Invalid value: "/x": prefix part must be non-empty'],
    [`${'a'.repeat(64)}`, `unable to parse requirement: <nil>: Invalid value: "${'a'.repeat(64)}": name part must be no more than 63 bytes`],
    ['x=>1', "unable to parse requirement: found '>', expected: identifier"],
    ['x ~ a', "unable to parse requirement: found '~', expected: in, notin, =, ==, !=, gt, lt"],
  ];
  for (const [input, msg] of table) {
    assert.throws(
      () => parseLabelSelector(input),
      (e: unknown) => e instanceof StatusError && e.code === 400 && e.reason === 'BadRequest' && e.message === msg,
      `${input}: want ${msg}`,
    );
  }
});

test('metav1.LabelSelector: nil matches nothing, empty everything, expressions AND together', () => {
  assert.equal(labelSelectorFromMeta(undefined).matches({ a: 'b' }), false);
  assert.equal(labelSelectorFromMeta(undefined).empty, false);
  assert.equal(labelSelectorFromMeta({}).matches({}), true);
  assert.equal(labelSelectorFromMeta({}).empty, true);
  assert.equal(labelSelectorFromMetaOrEverything(undefined).matches({ a: 'b' }), true);
  const sel: LabelSelector = {
    matchLabels: { app: 'web' },
    matchExpressions: [
      { key: 'tier', operator: 'In', values: ['front', 'back'] },
      { key: 'env', operator: 'NotIn', values: ['prod'] },
      { key: 'team', operator: 'Exists' },
      { key: 'legacy', operator: 'DoesNotExist' },
    ],
  };
  const m = labelSelectorFromMeta(sel);
  assert.equal(m.toString(), 'app=web,env notin (prod),!legacy,team,tier in (back,front)');
  assert.equal(m.matches({ app: 'web', tier: 'front', team: 'a' }), true);
  assert.equal(m.matches({ app: 'web', tier: 'front', team: 'a', env: 'prod' }), false);
  assert.equal(m.matches({ app: 'web', tier: 'front', team: 'a', legacy: 'y' }), false);
  assert.equal(m.matches({ app: 'web', tier: 'mid', team: 'a' }), false);
  assert.equal(formatLabelSelector(sel), 'app=web,env notin (prod),!legacy,team,tier in (back,front)');
  assert.equal(formatLabelSelector({}), '<none>');
  assert.equal(formatLabelSelector({ matchExpressions: [{ key: 'a', operator: 'In' }] }), '<error>');
});

test('metav1.LabelSelector errors read as LabelSelectorAsSelector reports them', () => {
  const table: [LabelSelector, string][] = [
    [{ matchExpressions: [{ key: 'a', operator: 'In' }] }, "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty"],
    [
      { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] },
      'values: Invalid value: []string{"x"}: values set must be empty for exists and does not exist',
    ],
    [{ matchExpressions: [{ key: 'a', operator: 'Gt' as 'In', values: ['1'] }] }, '"Gt" is not a valid label selector operator'],
    [{ matchLabels: { 'a b': 'c' } }, `key: Invalid value: "a b": ${nameRegexMsg}`],
  ];
  for (const [sel, msg] of table) {
    assert.throws(
      () => labelSelectorFromMeta(sel),
      (e: unknown) => e instanceof StatusError && e.code === 400 && e.message === msg,
      msg,
    );
  }
});
