import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeFinish3Params,
  decodePrepare3Params,
  encodeBegin3Params,
  encodeConfirm3Params,
  encodePerform3Params,
  migrationParamsToTyped,
} from './migration.js';
import { readDomain, readOptString, readString, readTypedParams, writeDomain, writeOptString, writeString, type TypedParam } from './remote-types.js';
import { XdrReader, XdrWriter } from './xdr.js';

const DOM = { name: 'ns_vm', uuid: '00112233-4455-6677-8899-aabbccddeeff', id: 5 };

test('migrationParamsToTyped maps named parameters to VIR_MIGRATE_PARAM_* with libvirt types', () => {
  const got = migrationParamsToTyped({
    uri: 'tcp://10.0.0.2:49152',
    destXml: '<domain/>',
    bandwidth: 64,
    migrateDisks: ['vda', 'vdb'],
    parallelConnections: 4,
  });
  const want: TypedParam[] = [
    { field: 'migrate_uri', type: 'STRING', value: 'tcp://10.0.0.2:49152' },
    { field: 'destination_xml', type: 'STRING', value: '<domain/>' },
    { field: 'bandwidth', type: 'ULLONG', value: 64 },
    { field: 'migrate_disks', type: 'STRING', value: 'vda' },
    { field: 'migrate_disks', type: 'STRING', value: 'vdb' },
    { field: 'parallel.connections', type: 'INT', value: 4 },
  ];
  assert.deepEqual(got, want);
  assert.deepEqual(migrationParamsToTyped({}), []);
});

test('typed parameters use the remote_typed_param wire layout', () => {
  const w = new XdrWriter();
  encodeBegin3Params(w, DOM, [{ field: 'bandwidth', type: 'ULLONG', value: 64 }], 1);
  const hex = w.finish().toString('hex');
  // domain, then count 1, "bandwidth" (9 bytes + 3 pad), type 4 (ULLONG), value 64 as uhyper, flags 1.
  const domHex = (() => {
    const d = new XdrWriter();
    writeDomain(d, DOM);
    return d.finish().toString('hex');
  })();
  assert.equal(hex, domHex + '00000001' + '00000009' + Buffer.from('bandwidth').toString('hex') + '000000' + '00000004' + '0000000000000040' + '00000001');
});

test('argument encoders lay out each *_params_args struct in protocol order', () => {
  const params: TypedParam[] = [{ field: 'migrate_uri', type: 'STRING', value: 'tcp://h:1' }];
  const cookie = Buffer.from('cookie');

  const perform = new XdrWriter();
  encodePerform3Params(perform, DOM, null, params, cookie, 3);
  const p = new XdrReader(perform.finish());
  assert.deepEqual(readDomain(p), DOM);
  assert.equal(readOptString(p), null);
  assert.deepEqual(readTypedParams(p), params);
  assert.equal(p.opaque().toString(), 'cookie');
  assert.equal(p.uint(), 3);
  p.end();

  const confirm = new XdrWriter();
  encodeConfirm3Params(confirm, DOM, params, cookie, 3, true);
  const c = new XdrReader(confirm.finish());
  assert.deepEqual(readDomain(c), DOM);
  assert.deepEqual(readTypedParams(c), params);
  assert.equal(c.opaque().toString(), 'cookie');
  assert.deepEqual([c.uint(), c.int()], [3, 1]);
  c.end();
});

test('reply decoders read cookies, URIs and the finished domain', () => {
  const prep = new XdrWriter();
  prep.opaque(Buffer.from('out'));
  writeOptString(prep, 'tcp://dest:49152');
  assert.deepEqual(decodePrepare3Params(new XdrReader(prep.finish())), { cookieOut: Buffer.from('out'), uriOut: 'tcp://dest:49152' });

  const fin = new XdrWriter();
  writeDomain(fin, DOM);
  fin.opaque(Buffer.alloc(0));
  assert.deepEqual(decodeFinish3Params(new XdrReader(fin.finish())), { domain: DOM, cookieOut: Buffer.alloc(0) });

  const s = new XdrWriter();
  writeString(s, 'x');
  assert.equal(readString(new XdrReader(s.finish())), 'x');
});
