// The embedded cluster's pod network: per-node bridges, per-pod namespaces and veths, NAT.
export { PodNetwork, type PodNetworkOptions, type PodNetworkResult } from './pod-network.js';
export { clusterNet, nodeNet, podNames, NETWORK_SLOTS, type ClusterNet, type NodeNet } from './names.js';
export { acquireNetworkSlot, type NetworkSlot } from './slot.js';
export { AddressesExhaustedError } from './ipam.js';
export { CommandError } from './exec.js';
export { podResolvConf } from './resolv.js';
