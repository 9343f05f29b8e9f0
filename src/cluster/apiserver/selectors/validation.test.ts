import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorMessage } from '../../../api/meta/index.js';
import { validateLabelSelector, validateLabels } from './validation.js';

const nameMsg =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character " +
  "(e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

test('labels are validated as metav1 ValidateLabels reports them', () => {
  assert.deepEqual(validateLabels({ app: 'web', 'example.com/x': '' }, 'metadata.labels'), []);
  assert.deepEqual(validateLabels({ 'a b': 'x' }, 'metadata.labels').map(fieldErrorMessage), [`metadata.labels: Invalid value: "a b": ${nameMsg}`]);
  assert.deepEqual(
    validateLabels({ a: 'x'.repeat(64) }, 'metadata.labels').map(fieldErrorMessage)[0],
    `metadata.labels: Invalid value: "${'x'.repeat(64)}": must be no more than 63 bytes`,
  );
});

test('label selectors are validated as metav1 ValidateLabelSelector reports them', () => {
  const errs = validateLabelSelector(
    {
      matchLabels: { ok: 'yes' },
      matchExpressions: [
        { key: 'a', operator: 'In' },
        { key: 'b', operator: 'Exists', values: ['x'] },
        { key: 'c', operator: 'Gt' as 'In', values: ['1'] },
        { key: 'bad key', operator: 'NotIn', values: ['v$'] },
      ],
    },
    'spec.selector',
  ).map(fieldErrorMessage);
  assert.deepEqual(errs, [
    "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
    "spec.selector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
    'spec.selector.matchExpressions[2].operator: Invalid value: "Gt": not a valid selector operator',
    `spec.selector.matchExpressions[3].key: Invalid value: "bad key": ${nameMsg}`,
    "spec.selector.matchExpressions[3].values[0]: Invalid value: \"v$\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
  ]);
  assert.deepEqual(validateLabelSelector(undefined, 'spec.selector'), []);
});
