// The embedded cluster's pod network: per-node bridges, per-pod namespaces and veths, NAT.
export { PodNetwork, type PodNetworkOptions, type PodNetworkResult } from './pod-network.js';
export { nodeNet, podNames, POD_SUPERNET, NFT_TABLE, type NodeNet } from './names.js';
export { AddressesExhaustedError } from './ipam.js';
export { CommandError } from './exec.js';
export { podResolvConf } from './resolv.js';
export { claimNodeIndex, releaseNodeIndex } from './claim.js';
