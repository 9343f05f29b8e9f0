import { test } from 'node:test';
import assert from 'node:assert/strict';
import { interfacesOf } from './domain-manager.js';

test('interfacesOf reads alias and MAC of each interface of libvirt\'s XML', () => {
  const xml = `<domain type='qemu' id='1'>
  <name>default_vm1</name>
  <devices>
    <interface type='ethernet'>
      <mac address='0a:58:0a:f4:00:05'/>
      <target dev='tap0' managed='no'/>
      <model type='virtio-non-transitional'/>
      <alias name='ua-default'/>
      <address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>
    </interface>
    <interface type="user">
      <mac address="52:54:00:12:34:56"/>
      <model type="e1000"/>
    </interface>
    <console type='pty'><alias name='serial0'/></console>
  </devices>
</domain>`;
  assert.deepEqual(interfacesOf(xml), [
    { name: 'default', mac: '0a:58:0a:f4:00:05', ips: [] },
    { name: 'net1', mac: '52:54:00:12:34:56', ips: [] },
  ]);
  assert.deepEqual(interfacesOf('<domain><devices></devices></domain>'), []);
});
