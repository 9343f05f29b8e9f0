import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorMessage, type KubeObject } from '../../../../api/meta/index.js';
import { findBuiltinByKind } from '../catalogue.js';
import { defaultBuiltin } from '../defaults/index.js';
import { goJsonObjectError } from './docker-config.js';
import { validateBuiltin } from './index.js';

const secretInfo = findBuiltinByKind('', 'v1', 'Secret')!;
const b64 = (s: string) => Buffer.from(s).toString('base64');
const secret = (extra: Record<string, unknown>): KubeObject => ({ metadata: { name: 's', namespace: 'default' }, ...extra });

/** Defaults (which merge stringData) and validates as the server does; errors as kubectl prints them. */
function check(obj: KubeObject, old?: KubeObject): string[] {
  defaultBuiltin(secretInfo, obj);
  if (old) defaultBuiltin(secretInfo, old);
  return validateBuiltin(secretInfo, obj, old).map(fieldErrorMessage);
}

test('stringData is merged into data as base64, wins over data, and is never kept', () => {
  const s = secret({ data: { a: b64('old'), b: b64('kept') }, stringData: { a: 'new', c: 'ünï' } });
  assert.deepEqual(check(s), []);
  assert.deepEqual(s.data, { a: b64('new'), b: b64('kept'), c: b64('ünï') });
  assert.equal('stringData' in s, false);
  assert.equal(s.type, 'Opaque');
});

test('typed Secrets: required keys and contents, worded as kube-apiserver words them', () => {
  const table: { name: string; obj: Record<string, unknown>; want: string[] }[] = [
    { name: 'tls ok from stringData', obj: { type: 'kubernetes.io/tls', stringData: { 'tls.crt': 'c', 'tls.key': 'k' } }, want: [] },
    { name: 'tls missing both', obj: { type: 'kubernetes.io/tls' }, want: ['data[tls.crt]: Required value', 'data[tls.key]: Required value'] },
    { name: 'basic-auth needs a username or password', obj: { type: 'kubernetes.io/basic-auth', data: {} }, want: ['data[username]: Required value', 'data[password]: Required value'] },
    { name: 'basic-auth with a password', obj: { type: 'kubernetes.io/basic-auth', stringData: { password: 'p' } }, want: [] },
    { name: 'ssh-auth missing', obj: { type: 'kubernetes.io/ssh-auth' }, want: ['data[ssh-privatekey]: Required value'] },
    { name: 'ssh-auth empty', obj: { type: 'kubernetes.io/ssh-auth', data: { 'ssh-privatekey': '' } }, want: ['data[ssh-privatekey]: Required value'] },
    { name: 'dockerconfigjson missing', obj: { type: 'kubernetes.io/dockerconfigjson' }, want: ['data[.dockerconfigjson]: Required value'] },
    {
      name: 'dockerconfigjson not JSON',
      obj: { type: 'kubernetes.io/dockerconfigjson', stringData: { '.dockerconfigjson': 'registry' } },
      want: ['data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": invalid character \'r\' looking for beginning of value'],
    },
    { name: 'dockerconfigjson ok', obj: { type: 'kubernetes.io/dockerconfigjson', stringData: { '.dockerconfigjson': '{"auths":{}}' } }, want: [] },
    { name: 'dockercfg empty', obj: { type: 'kubernetes.io/dockercfg', data: { '.dockercfg': '' } }, want: ['data[.dockercfg]: Invalid value: "<secret contents redacted>": unexpected end of JSON input'] },
    {
      name: 'service-account-token needs the service account annotation',
      obj: { type: 'kubernetes.io/service-account-token' },
      want: ['metadata.annotations[kubernetes.io/service-account.name]: Required value'],
    },
  ];
  for (const { name, obj, want } of table) assert.deepEqual(check(secret(obj)), want, name);
});

test('Go encoding/json wording for docker config contents', () => {
  const table: [string, string | undefined][] = [
    ['{"auths":{}}', undefined],
    ['', 'unexpected end of JSON input'],
    ['{"a":', 'unexpected end of JSON input'],
    ['  x', "invalid character 'x' looking for beginning of value"],
    ['[]', 'json: cannot unmarshal array into Go value of type map[string]interface {}'],
    ['"s"', 'json: cannot unmarshal string into Go value of type map[string]interface {}'],
  ];
  for (const [input, want] of table) assert.equal(goJsonObjectError(input), want, input);
});

test('Secret values a Go client could not decode are a 400 in its words', () => {
  const table: [Record<string, unknown>, string][] = [
    [{ data: { a: '!!' } }, 'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 0'],
    [{ data: { a: 'eA=' } }, 'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 0'],
    [{ data: { a: 'eA==eA==' } }, 'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 4'],
    [{ stringData: { a: 5 } }, 'Secret in version "v1" cannot be handled as a Secret: json: cannot unmarshal number into Go struct field Secret.stringData of type string'],
    [{ data: ['x'] }, 'Secret in version "v1" cannot be handled as a Secret: json: cannot unmarshal array into Go struct field Secret.data of type map[string]string'],
  ];
  for (const [obj, want] of table) {
    assert.throws(() => check(secret(obj)), (e: unknown) => e instanceof Error && e.message === want && (e as { code?: number }).code === 400, want);
  }
  assert.deepEqual(check(secret({ data: { a: 'eA==\n', b: '' } })), []);
});
