import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { convertVMI } from './convert.js';
import { renderDomainXML, xmlSafe } from './render.js';
import type { VirtualMachineInstance } from '../../api/kubevirt/index.js';

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false, parseAttributeValue: false, trimValues: false });

const hostile = 'x"/><evil a=\'1\'>&amp;<!-- ]]> \u0001\u001f';

function hostileVMI(): VirtualMachineInstance {
  return {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachineInstance',
    metadata: { name: 'vm', namespace: 'ns', uid: hostile },
    spec: {
      domain: {
        memory: { guest: '64Mi' },
        firmware: { serial: hostile, uuid: '0f785d7e-02ac-578a-a60a-41aca5a8b045' },
        devices: { disks: [{ name: 'd', serial: 'SN-1', disk: { bus: 'virtio' } }], interfaces: [] },
      },
      volumes: [{ name: 'd', hostDisk: { path: `/data/${hostile}.img`, type: 'Disk' } }],
    },
  };
}

test('xmlSafe drops what XML 1.0 cannot carry and keeps the rest', () => {
  assert.equal(xmlSafe('a\u0000b\u0008c\td\ne\u000bf\ud800g\u{1f600}'), 'abc\td\nefg\u{1f600}');
});

test('user strings cannot change the document: they come back verbatim from a parser', () => {
  const { xml } = convertVMI(hostileVMI(), { privateDir: '/run/p' });
  assert.doesNotMatch(xml, /<evil/);
  const doc = parser.parse(xml);
  const expected = 'x"/><evil a=\'1\'>&amp;<!-- ]]> ';
  const disk = doc.domain.devices.disk;
  assert.equal(doc.domain.sysinfo.system.entry.find((e: Record<string, string>) => e['@_name'] === 'serial')['#text'], expected);
  assert.equal(disk.source['@_file'], `/data/${expected}.img`);
  assert.equal(doc.domain.metadata.kubevirt.uid, expected);
  assert.equal(doc.domain.name, 'ns_vm');
});

test('a document built from hostile strings still passes libvirt\'s schema', { skip: spawnSync('virt-xml-validate', ['--help']).error ? 'virt-xml-validate not installed' : false }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'converter-render-'));
  try {
    const file = join(dir, 'domain.xml');
    writeFileSync(file, convertVMI(hostileVMI(), { privateDir: '/run/p' }).xml);
    const r = spawnSync('virt-xml-validate', [file, 'domain'], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 0, r.stdout + r.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('empty elements, attributes only, text with attributes', () => {
  const xml = renderDomainXML(convertVMI(hostileVMI(), { privateDir: '/run/p' }).domain);
  assert.match(xml, /^<domain type="kvm">\n/);
  assert.match(xml, /<acpi\/>/);
  assert.match(xml, /<memory unit="b">67108864<\/memory>/);
  assert.ok(xml.endsWith('</domain>\n'));
});
