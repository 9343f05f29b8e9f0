import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanAbsolute, globMatch, isValidPciAddress, isValidPortName, parseMAC, showQuantity, vcpuCount } from './cause.js';

test('parsers behave as the Go functions upstream calls', () => {
  const table: [string, unknown, unknown][] = [
    ['MAC colons', parseMAC('de:ad:00:00:be:af')?.length, 6],
    ['MAC dashes', parseMAC('DE-AD-00-00-BE-AF')?.length, 6],
    ['MAC dots', parseMAC('dead.0000.beaf')?.length, 6],
    ['MAC EUI-64', parseMAC('00:00:00:00:fe:80:00:00')?.length, 8],
    ['MAC short', parseMAC('de:ad:be:ef'), undefined],
    ['MAC mixed separators', parseMAC('de:ad-00:00:be:af'), undefined],
    ['PCI ok', isValidPciAddress('0000:81:01.7'), true],
    ['PCI bad function', isValidPciAddress('0000:81:01.8'), false],
    ['port name ok', isValidPortName('http-alt'), true],
    ['port name double dash', isValidPortName('a--b'), false],
    ['port name digits only', isValidPortName('8080'), false],
    ['port name too long', isValidPortName('a'.repeat(16)), false],
    ['glob', globMatch('pc-q35*', 'pc-q35-8.2'), true],
    ['glob anchored', globMatch('q35*', 'pc-q35'), false],
    ['clean path', cleanAbsolute('a/./b/../c/'), '/a/c'],
    ['quantity canonical', showQuantity('2048Mi'), '2Gi'],
    ['quantity milli', showQuantity('1500m'), '1500m'],
    ['quantity absent', showQuantity(undefined), '0'],
    ['vcpus', vcpuCount({ cores: 2, sockets: 0, threads: 2 }), 4],
    ['vcpus sockets only', vcpuCount({ sockets: 3 }), 3],
  ];
  for (const [name, got, want] of table) assert.deepEqual(got, want, name);
});
