/** pods/log and pods/exec, proxied to the pod's node agent. */
export { createPodProxy, KUBELET_CLIENT_USER, type PodProxy, type PodProxySource } from './podproxy.js';
export { containerFor, execPath, logPath, nodeEndpoint } from './node-path.js';
