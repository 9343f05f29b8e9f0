/** VMI -> libvirt domain XML (pure). Entry point convertVMI; ctx contract documented in convert.ts. */
export { convertVMI, buildDomainSpec, KUBEVIRT_METADATA_NS } from './convert.js';
export * from './context.js';
export { domainNameFor, parseDomainName, userAlias } from './names.js';
export { GUEST_AGENT_CHANNEL, serialSocketPath, serialLogPath, vncSocketPath } from './devices.js';
export { renderDomainXML } from './render.js';
export { defaultDiskSource, volumeKind } from './volumes.js';
export type * from './types.js';
