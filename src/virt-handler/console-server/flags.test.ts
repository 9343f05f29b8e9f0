import { test } from 'node:test';
import assert from 'node:assert/strict';
import { consoleServerSettings, type ConsoleServerFlags } from './flags.js';

const files: Record<string, string> = { '/c.crt': 'CERT', '/c.key': 'KEY', '/ca.crt': 'CA' };
const read = (p: string): string => {
  const v = files[p];
  if (v === undefined) throw new Error('ENOENT');
  return v;
};
const base: ConsoleServerFlags = { listen: '127.0.0.1', consoleServerPort: '8186' };
const all = { tlsCertFile: '/c.crt', tlsKeyFile: '/c.key', clientCaFile: '/ca.crt' };

test('console server settings from flags', () => {
  const cases: { name: string; flags: ConsoleServerFlags; want?: unknown; error?: RegExp }[] = [
    { name: 'no TLS flag: off', flags: base, want: undefined },
    { name: 'all TLS flags', flags: { ...base, ...all }, want: { host: '127.0.0.1', port: 8186, tls: { certPem: 'CERT', keyPem: 'KEY', clientCaPem: 'CA' } } },
    { name: 'port 0 picks one', flags: { ...base, ...all, consoleServerPort: '0' }, want: { host: '127.0.0.1', port: 0, tls: { certPem: 'CERT', keyPem: 'KEY', clientCaPem: 'CA' } } },
    { name: 'partial set', flags: { ...base, tlsCertFile: '/c.crt' }, error: /: --tls-key-file, --client-ca-file: required with --tls-cert-file$/ },
    { name: 'bad port', flags: { ...base, ...all, consoleServerPort: '70000' }, error: /--console-server-port: invalid value "70000"/ },
    { name: 'missing file', flags: { ...base, ...all, clientCaFile: '/nope' }, error: /--client-ca-file: cannot read "\/nope"/ },
  ];
  for (const c of cases) {
    if (c.error) assert.throws(() => consoleServerSettings(c.flags, read), c.error, c.name);
    else assert.deepEqual(consoleServerSettings(c.flags, read), c.want, c.name);
  }
});
