import { test } from 'node:test';
import { validateVMI } from './vmi.js';
import { assertCauses, configWith, validVMI, type Want } from './testing.js';
import type { VirtualMachineInstance } from '../kubevirt/vmi.js';

type Case = readonly [name: string, mod: (v: VirtualMachineInstance) => void, want: readonly Want[]];
const LABEL_ERR = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const SUBDOMAIN_ERR = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

const cases: Case[] = [
  ['hostname and subdomain', (v) => { v.spec.hostname = 'vm-1'; v.spec.subdomain = 'svc.example'; }, []],
  ['hostname not a label', (v) => { v.spec.hostname = 'Bad_Host'; }, [['spec.hostname', `spec.hostname does not conform to the kubernetes DNS_LABEL rules : ${LABEL_ERR}`]]],
  ['hostname too long', (v) => { v.spec.hostname = 'a'.repeat(64); }, [['spec.hostname', 'spec.hostname does not conform to the kubernetes DNS_LABEL rules : must be no more than 63 characters']]],
  ['subdomain not a subdomain', (v) => { v.spec.subdomain = '-x.'; }, [['spec.subdomain', `spec.subdomain does not conform to the kubernetes DNS_SUBDOMAIN rules : ${SUBDOMAIN_ERR}`]]],
  ['unknown dnsPolicy', (v) => { v.spec.dnsPolicy = 'Magic' as never; }, [['spec.dnsPolicy', 'DNSPolicy: Magic is not supported, valid values: [ClusterFirstWithHostNet ClusterFirst Default None ]']]],
  ['dnsPolicy None without config', (v) => { v.spec.dnsPolicy = 'None'; }, [['spec.dnsConfig', 'must provide `dnsConfig` when `dnsPolicy` is None']]],
  ['dnsPolicy None without nameservers', (v) => { v.spec.dnsPolicy = 'None'; v.spec.dnsConfig = {}; }, [['nameservers', 'must provide at least one DNS nameserver when `dnsPolicy` is None']]],
  ['dnsConfig problems', (v) => { v.spec.dnsConfig = { nameservers: ['1.1.1.1', 'dns.example'], searches: ['ok.example', 'Bad'], options: [{ value: 'x' }] }; }, [
    ['nameservers', 'must be valid IP address: dns.example'],
    ['searchDomains', SUBDOMAIN_ERR],
    ['options', 'Option.Name must not be empty'],
  ]],
  ['too many nameservers', (v) => { v.spec.dnsConfig = { nameservers: ['1.1.1.1', '1.0.0.1', '8.8.8.8', '::1'] }; }, [['nameservers', 'must not have more than 3 nameservers: [1.1.1.1 1.0.0.1 8.8.8.8 ::1]']]],
];

test('hostname and DNS rules: field path and message of each cause', () => {
  for (const [name, mod, want] of cases) assertCauses(validateVMI(validVMI(mod), configWith()), want, name);
});
